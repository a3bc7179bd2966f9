// Edits to dependencies' code that scripts/build.mjs makes in the bundle only (node_modules is untouched).
// test/scripts/dependency-edits.test.ts checks that each edited ink module gives the same results as the
// original; test/scripts/ws-receiver-edit.test.ts checks ws's Receiver.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** src/text/graphemes.ts: the screen's grapheme segmenter and narrow-text test (see screenDefines). */
const graphemesModule = fileURLToPath(new URL('../src/text/graphemes.ts', import.meta.url));

/**
 * Small edits to dependencies' code, made only in the bundle. Each one names the file it edits and says
 * what it buys; every `from` must occur exactly `times` times, so the build fails if a dependency changes
 * shape, rather than silently losing an edit. The edited code computes the same output, except where
 * an entry says otherwise (ws's Receiver: a broken text message fails sooner, with the same error).
 */
export const edits = [
  {
    // ws checks that a text message is UTF-8 once it is complete. A message in fragments whose second
    // fragment breaks UTF-8 was failed only when (and if ever) its last fragment came: a server that then
    // stalls holds a broken message open for ever. Conformance suites (Autobahn 6.4.1, 6.4.2) expect the
    // failure at the bad fragment. Each fragment of a fragmented text message now goes through a
    // streaming, fatal TextDecoder (its output is dropped); a message in one frame is left to ws's own
    // check, which already runs as it arrives. The error is ws's own: 1007, "invalid UTF-8 sequence".
    file: /ws[\\/]lib[\\/]receiver\.js$/,
    replace: [
      {
        from: 'class Receiver extends Writable {',
        to: `function wsxBreaksUtf8(receiver, data) {
  if (receiver._opcode !== 0x01 || receiver._skipUTF8Validation) return false;
  if (receiver._fin && receiver._wsxUtf8 === undefined) return false;
  receiver._wsxUtf8 ??= new TextDecoder('utf-8', { fatal: true });
  try {
    receiver._wsxUtf8.decode(data, { stream: !receiver._fin });
  } catch {
    receiver._wsxUtf8 = undefined;
    return true;
  }
  if (receiver._fin) receiver._wsxUtf8 = undefined;
  return false;
}

function wsxUtf8Error(receiver) {
  return receiver.createError(Error, 'invalid UTF-8 sequence', true, 1007, 'WS_ERR_INVALID_UTF8');
}

class Receiver extends Writable {`,
        times: 1,
      },
      {
        // An uncompressed fragment, as it arrives.
        from: `      this._fragments.push(data);
    }

    this.dataMessage(cb);`,
        to: `      this._fragments.push(data);
    }

    if (wsxBreaksUtf8(this, data)) {
      cb(wsxUtf8Error(this));
      return;
    }

    this.dataMessage(cb);`,
        times: 1,
      },
      {
        // A compressed fragment, once inflated.
        from: `        this._fragments.push(buf);
      }

      this.dataMessage(cb);`,
        to: `        this._fragments.push(buf);
      }

      if (wsxBreaksUtf8(this, buf)) {
        cb(wsxUtf8Error(this));
        return;
      }

      this.dataMessage(cb);`,
        times: 1,
      },
    ],
  },
  {
    // string-width (8; ink measures every text with it) built its RGI emoji regex when it loaded (60-104
    // ms at load average 12-13) and compiled it at its first non-ASCII text (83-124 ms more), before the
    // session's first frame (which shows a `●`). The regex is now built at its first use, and text of one-column characters
    // that are graphemes of their own (src/text/graphemes.ts) is measured like ASCII, as its length: the
    // regex, ICU's segmenter and the width tables gave exactly that for each of those characters.
    // wrap-ansi's own older string-width (7) is left alone: ink calls it only for text wider than its box.
    file: /[\\/]string-width[\\/]index\.js$/,
    exceptIn: /[\\/]wrap-ansi[\\/]node_modules[\\/]/,
    replace: [
      {
        from: "import stripAnsi from 'strip-ansi';",
        to: `import { isNarrowText as wsxIsNarrowText } from ${JSON.stringify(graphemesModule)};
import stripAnsi from 'strip-ansi';`,
        times: 1,
      },
      {
        from: 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;',
        to: `let wsxRgiEmojiRegex;
const rgiEmojiRegex = { test: (segment) => (wsxRgiEmojiRegex ??= /^\\p{RGI_Emoji}$/v).test(segment) };`,
        times: 1,
      },
      {
        // string-width's own fast path for printable ASCII, indented with tabs.
        from: '\tif (/^[\\u0020-\\u007E]*$/.test(string)) {\n\t\treturn string.length;\n\t}',
        to:
          '\tif (/^[\\u0020-\\u007E]*$/.test(string)) {\n\t\treturn string.length;\n\t}\n' +
          '\tif (ambiguousIsNarrow && wsxIsNarrowText(string)) {\n\t\treturn string.length;\n\t}',
        times: 1,
      },
    ],
  },
  {
    // With DEV=true in the environment (common in shells, for other tools) ink reads its package.json
    // beside its build and connects to React devtools (react-devtools-core). Neither ships with wsx: the
    // session failed at start with ENOENT for dist/package.json. wsx's screen never runs in ink's dev mode.
    file: /ink[\\/]build[\\/]utils\.js$/,
    replace: [
      {
        from: "const isDev = () => process.env['DEV'] === 'true';",
        to: 'const isDev = () => false;',
        times: 1,
      },
    ],
  },
  {
    // ink remembers the size of every text it ever measured, in a Map that is never emptied: under a
    // flood every row shown stays in memory for the whole session. Bounded here.
    file: /ink[\\/]build[\\/]measure-text\.js$/,
    replace: [
      {
        from: '    cache.set(text, dimensions);',
        to: '    if (cache.size >= 4096) cache.clear();\n    cache.set(text, dimensions);',
        times: 1,
      },
    ],
  },
  {
    // The same for the text it cuts or wraps to the screen: every distinct row wider than the screen was
    // kept with its cut copy, forever. 50,000 distinct 239-character rows in a 100-column lens kept 41 MiB
    // after GC; a flood of long messages grew the session without bound. Emptied after 1024 texts: a frame
    // draws at most a screenful of rows, so the rows that only scrolled since the last frame are still found.
    file: /ink[\\/]build[\\/]wrap-text\.js$/,
    replace: [
      { from: 'const cache = {};', to: 'let cache = {};\nlet wsxWrapCacheSize = 0;', times: 1 },
      {
        from: '    cache[cacheKey] = wrappedText;',
        to: '    if (++wsxWrapCacheSize > 1024) {\n        cache = {};\n        wsxWrapCacheSize = 1;\n    }\n    cache[cacheKey] = wrappedText;',
        times: 1,
      },
    ],
  },
  {
    // ink builds every frame from a grid of one object per terminal cell and re-parses every line's ANSI
    // codes, in caches that live for one frame. Under a flood that was most of the TUI's CPU and garbage.
    // Blank cells now share one read-only object, and the per-line caches live across frames
    // (rows that only scrolled are not parsed again), emptied after 256 lines: a line's cells take ~7 KB.
    file: /ink[\\/]build[\\/]output\.js$/,
    replace: [
      {
        from: `                row.push({
                    type: 'char',
                    value: ' ',
                    fullWidth: false,
                    styles: [],
                });`,
        to: '                row.push(wsxBlankCell);',
        times: 1,
      },
      {
        from: '    caches = new OutputCaches();',
        to: '    caches = wsxSharedCaches();',
        times: 1,
      },
      {
        from: 'export default class Output {',
        to: `const wsxBlankCell = Object.freeze({ type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([]) });
let wsxCaches;
function wsxSharedCaches() {
    const c = wsxCaches;
    if (c === undefined || c.styledChars.size >= 256 || c.widths.size + c.blockWidths.size >= 4096)
        wsxCaches = new OutputCaches();
    return wsxCaches;
}
export default class Output {`,
        times: 1,
      },
    ],
  },
  {
    // Turning a row of styled cells back into a string compared each cell's styles with its neighbour's by
    // building three Sets and two arrays, per cell, every frame. Cells of one run of text now share one
    // styles array, and equal or empty neighbours skip the comparison (its result is empty for them).
    // Each cell is built field by field: `{ ...token }` gave every cell a hidden class of its own.
    file: /@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]styledChars\.js$/,
    replace: [
      {
        from: `    let codes = [];
    const ret = [];
    for (const token of tokens) {
        if (token.type === "ansi") {
            codes = reduceAnsiCodesIncremental(codes, [token]);
        }
        else if (token.type === "char") {
            ret.push({
                ...token,
                styles: [...codes],
            });
        }
    }`,
        to: `    let codes = [];
    let shared = codes;
    const ret = [];
    for (const token of tokens) {
        if (token.type === "ansi") {
            codes = reduceAnsiCodesIncremental(codes, [token]);
            shared = undefined;
        }
        else if (token.type === "char") {
            shared ??= [...codes];
            ret.push({ type: token.type, value: token.value, fullWidth: token.fullWidth, styles: shared });
        }
    }`,
        times: 1,
      },
      {
        from: `        if (i === 0) {
            ret += ansiCodesToString(char.styles);
        }
        else {
            ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));
        }`,
        to: `        const before = i === 0 ? undefined : chars[i - 1].styles;
        if (before === char.styles || (char.styles.length === 0 && before?.length === 0)) {
            // the same styles as the cell before: nothing to switch
        }
        else if (i === 0) {
            ret += ansiCodesToString(char.styles);
        }
        else {
            ret += ansiCodesToString(diffAnsiCodes(before, char.styles));
        }`,
        times: 1,
      },
      {
        from: `        if (i === chars.length - 1) {`,
        to: `        if (i === chars.length - 1 && char.styles.length > 0) {`,
        times: 1,
      },
    ],
  },
];

export const editDependencies = {
  name: 'edit-dependencies',
  setup(b) {
    for (const { file, exceptIn, replace } of edits)
      b.onLoad({ filter: file }, async (args) => {
        // esbuild's filters are Go regular expressions, which have no lookbehind.
        if (exceptIn?.test(args.path)) return undefined;
        let source = readFileSync(args.path, 'utf8');
        for (const { from, to, times } of replace) {
          const found = source.split(from).length - 1;
          if (found !== times)
            throw new Error(
              `${args.path} changed: expected ${times} of ${JSON.stringify(from)}, found ${found}`,
            );
          source = source.replaceAll(from, to);
        }
        return { contents: source, loader: 'js' };
      });
  },
};

/**
 * ink's reconciler imports its React devtools bridge (react-devtools-core, which wsx does not ship) when
 * ink's isDev() says so, which the edit above makes never: the import becomes an empty module, so the
 * bundle holds no trace of the bridge and nothing could load it at start.
 */
export const noInkDevtools = {
  name: 'no-ink-devtools',
  setup(b) {
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) =>
      /[\\/]ink[\\/]build[\\/]reconciler\.js$/.test(args.importer)
        ? { path: 'ink-devtools', namespace: 'no-ink-devtools' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'no-ink-devtools' }, () => ({ contents: '', loader: 'js' }));
  },
};

/** esbuild defines for a build holding the screen (ink, yoga-layout); screenInject goes with them. */
export const screenDefines = {
  // Every Intl.Segmenter the screen's modules create (ink, string-width, slice-ansi, ansi-tokenize, the
  // input line) is src/text/graphemes.ts's: ICU's only for text that needs it, created then.
  'Intl.Segmenter': 'GraphemeSegmenter',
  // yoga-layout (ink's layout engine) loads its WebAssembly from a base64 `data:` URL with fetch() when
  // fetch exists, which makes Node 20 load and run undici: about 30 ms of CPU at the session's start
  // (--cpu-prof). Without fetch, the same Emscripten loader decodes the same string with atob(). No other
  // code of the screen calls fetch.
  fetch: 'undefined',
};

/** esbuild's inject for a build holding the screen: what screenDefines names. */
export const screenInject = [graphemesModule];

/**
 * yoga-layout (ink's layout engine) loads its WebAssembly with a top-level await, which a CommonJS script
 * (the screen's bundle, the single executable) cannot hold. Its Emscripten loader takes an `instantiateWasm` hook: given one that instantiates
 * synchronously (Node allows WebAssembly.Module on the main thread), the loader finishes before it
 * returns, and the module object it filled in is what the awaited promise would have given. The wasm is
 * the base64 string the loader itself holds, read here at build time.
 */
export const yogaWithoutAwait = {
  name: 'yoga-without-await',
  setup(b) {
    // The loader's own copy of the wasm (~96 KiB of base64) is read only by the fetch it no longer makes:
    // given instantiateWasm, it calls that and nothing else. Left out, the screen's bundle holds one copy.
    b.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const copies = source.match(/"data:application\/octet-stream;base64,[A-Za-z0-9+/=]+"/g) ?? [];
      if (copies.length !== 1)
        throw new Error(
          `${args.path}: expected one base64 wasm in yoga-layout's loader, found ${copies.length}`,
        );
      return { loader: 'js', contents: source.replace(copies[0], '"data:application/octet-stream;base64,"') };
    });
    b.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/ }, (args) => {
      const loader = readFileSync(join(args.path, '../../binaries/yoga-wasm-base64-esm.js'), 'utf8');
      const wasm = /"data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/.exec(loader)?.[1];
      if (!wasm) throw new Error(`${args.path}: yoga-layout's loader no longer holds its wasm as base64`);
      return {
        loader: 'js',
        resolveDir: join(args.path, '..'),
        contents: `import loadYoga from '../binaries/yoga-wasm-base64-esm.js';
import wrapAssembly from './wrapAssembly.js';
const yoga = {
  instantiateWasm(imports, done) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(${JSON.stringify(wasm)}, 'base64')), imports);
    done(instance);
    return instance.exports;
  },
};
loadYoga(yoga);
if (!yoga.calledRun) throw new Error('yoga-layout did not start synchronously');
const Yoga = wrapAssembly(yoga);
export default Yoga;
export * from './generated/YGEnums.js';
`,
      };
    });
  },
};

/**
 * ink's reconciler awaits at its top level too, in two branches only ink's dev mode takes (React devtools),
 * which utils.js's edit above turns off for good. esbuild drops a dead branch only when it
 * can see it is dead, so in a CommonJS build the two calls read `false`; the build fails if ink changes shape.
 */
export const inkWithoutAwait = {
  name: 'ink-without-await',
  setup(b) {
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const calls = source.split('isDev()').length - 1;
      if (calls !== 2) throw new Error(`${args.path} changed: expected 2 calls of isDev(), found ${calls}`);
      return { loader: 'js', contents: source.replaceAll('isDev()', 'false') };
    });
  },
};
