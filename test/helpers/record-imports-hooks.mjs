// Module hooks (run off the main thread): append each loaded module's URL to the log file. A file of the
// esbuild bundle in dist/ also logs every node_modules file bundled inside it, read from the
// `// node_modules/…` path comment esbuild writes before each one, as `<module URL> (bundled in <file>)`:
// "pipe mode never loads React" then still means no React code was loaded, whichever file held it.
import { appendFileSync } from 'node:fs';

let log;
let root;
export function initialize(data) {
  log = data.log;
  root = data.root;
}

/** One `<module URL> (bundled in <url>)` line per node_modules file bundled in `source`. */
export function bundledModules(source, url, rootUrl) {
  let lines = '';
  // The comment is relative to the build's folder; node_modules may sit further up (or be a symlink).
  for (const [, path] of source.matchAll(/^\/\/ \S*?(node_modules\/\S+)$/gm))
    lines += `${rootUrl}${path.slice(path.lastIndexOf('node_modules/'))} (bundled in ${url})\n`;
  return lines;
}

export async function load(url, context, next) {
  const result = await next(url, context);
  if (!log) return result;
  let lines = `${url}\n`;
  if (url.includes('/dist/') && result.source != null) {
    const source = typeof result.source === 'string' ? result.source : Buffer.from(result.source).toString();
    lines += bundledModules(source, url, root);
  }
  appendFileSync(log, lines);
  return result;
}
