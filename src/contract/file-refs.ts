// $refs to other files, followed as the AsyncAPI and JSON Schema specs say: relative to the file that holds
// the $ref. Each file is read once and copied into the document under #/x-wsx-files/N, and every $ref is
// rewritten to point there, so the rest of the contract layer (channels, messages, ajv) only ever follows
// local references. A URL is refused: wsx fetches nothing behind the user's back.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describeIoError } from '../text/io-error.js';
import { ContractProblem, isObject, type AsyncApiDocument, type Json, type JsonObject } from './document.js';

/** Where the copied files sit in the document. */
const filesKey = 'x-wsx-files';

/** `http://…`, `https://…`, `urn:…`: anything with a scheme (a Windows drive letter is a path). */
const hasScheme = /^[a-z][a-z0-9+.-]+:/i;

/**
 * Copies every file `doc` refers to (and the files they refer to) into it and rewrites the $refs to local
 * ones. `file` is the document's own path; `read` reads a file's text (a test may pass its own).
 */
export function inlineFileRefs(
  doc: AsyncApiDocument,
  file: string,
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): void {
  const indexOf = new Map<string, number>();
  const copies: Json[] = [];

  const target = (ref: string, holder: string, prefix: string, at: string): string => {
    if (ref.startsWith('#')) return prefix + ref.slice(1);
    if (hasScheme.test(ref))
      throw new ContractProblem(
        `$ref ${ref} is a URL: wsx reads only local files (save it beside the document and refer to the file)`,
        at,
      );
    const hash = ref.indexOf('#');
    const path = resolve(dirname(holder), hash < 0 ? ref : ref.slice(0, hash));
    const pointer = hash < 0 ? '' : ref.slice(hash + 1);
    let index = indexOf.get(path);
    if (index === undefined) {
      index = copies.length;
      indexOf.set(path, index);
      copies.push(null);
      let text: string;
      try {
        text = read(path);
      } catch (err) {
        throw new ContractProblem(`$ref ${ref}: ${describeIoError(err, path)}`, at);
      }
      let parsed: unknown;
      try {
        parsed = parseYaml(text, { uniqueKeys: true, maxAliasCount: 1000 });
      } catch (err) {
        const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
        throw new ContractProblem(`$ref ${ref}: ${path} is not valid YAML or JSON: ${why}`, at);
      }
      copies[index] = rewrite(parsed as Json, path, `#/${filesKey}/${index}`, at);
    }
    return `#/${filesKey}/${index}${pointer === '' || pointer.startsWith('/') ? pointer : `/${pointer}`}`;
  };

  /** `node` with its $refs rewritten; `holder` is the file it came from, `prefix` where that file's root sits. */
  const rewrite = (node: Json, holder: string, prefix: string, at: string): Json => {
    if (Array.isArray(node)) return node.map((item, i) => rewrite(item, holder, prefix, `${at}/${i}`));
    if (!isObject(node)) return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node))
      out[key] =
        key === '$ref' && typeof value === 'string'
          ? target(value, holder, prefix, at)
          : rewrite(value, holder, prefix, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    return out;
  };

  const root = rewrite(doc.root, file, '#', '#') as JsonObject;
  if (copies.length > 0) root[filesKey] = copies;
  doc.root = root;
}
