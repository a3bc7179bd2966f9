// Loaded with `node --import`: records every module the program loads into $WSX_IMPORT_LOG, including the
// modules bundled inside dist/ files (see record-imports-hooks.mjs). The program itself, dist/cli/wsx.cjs,
// is a script the launcher compiles with node:vm (for V8's code cache), and the launcher, dist/cli/main.cjs,
// a CommonJS module that bin/wsx.js requires, neither of which a module hook sees on Node 20: this file
// logs each script compiled and each CommonJS module loaded from a file under dist/ the same way.
import { appendFileSync } from 'node:fs';
import Module, { register, syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { bundledModules } from './record-imports-hooks.mjs';

const log = process.env.WSX_IMPORT_LOG;
const root = new URL('../../', import.meta.url).href;
register('./record-imports-hooks.mjs', import.meta.url, { data: { log, root } });

if (log) {
  const Script = vm.Script;
  vm.Script = class extends Script {
    constructor(source, options) {
      super(source, options);
      const file = typeof options === 'string' ? options : options?.filename;
      if (file?.includes('/dist/')) {
        const url = pathToFileURL(file).href;
        appendFileSync(log, `${url}\n${bundledModules(source, url, root)}`);
      }
    }
  };
  // The launcher's `import { Script } from 'node:vm'` reads the patched class.
  syncBuiltinESMExports();
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    if (filename.includes('/dist/')) {
      const url = pathToFileURL(filename).href;
      appendFileSync(log, `${url}\n${bundledModules(content, url, root)}`);
    }
    return compile.call(this, content, filename);
  };
}
