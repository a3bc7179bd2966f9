// An AsyncAPI document read from text: YAML or JSON, version 2.x or 3.0, with its local $refs followed on demand.

import { parse as parseYaml } from 'yaml';

/** A problem with the document: `pointer` is the JSON pointer (#/channels/…) of the part at fault. */
export class ContractProblem extends Error {
  constructor(
    message: string,
    readonly pointer?: string,
  ) {
    super(message);
    this.name = 'ContractProblem';
  }
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface AsyncApiDocument {
  /** 2 for 2.x (publish/subscribe), 3 for 3.0 (operations with send/receive). */
  major: 2 | 3;
  version: string;
  root: JsonObject;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses `text` (JSON is YAML too, so one parser reads both) and checks that it is AsyncAPI 2.x or 3.0. */
export function parseDocument(text: string): AsyncApiDocument {
  let root: unknown;
  try {
    // One document per file; `uniqueKeys` refuses a key given twice instead of keeping the last silently.
    root = parseYaml(text, { uniqueKeys: true, maxAliasCount: 1000 });
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ContractProblem(`not valid YAML or JSON: ${why}`);
  }
  if (!isObject(root)) throw new ContractProblem('not an AsyncAPI document: the top level is not an object');
  const version = root.asyncapi;
  if (typeof version !== 'string')
    throw new ContractProblem('not an AsyncAPI document: no "asyncapi" version field', '#/asyncapi');
  const major = /^2\.\d+\.\d+$/.test(version) ? 2 : /^3\.0\.\d+$/.test(version) ? 3 : undefined;
  if (major === undefined)
    throw new ContractProblem(
      `unsupported AsyncAPI version ${version} (wsx reads 2.x and 3.0)`,
      '#/asyncapi',
    );
  if (root.channels !== undefined && !isObject(root.channels))
    throw new ContractProblem('"channels" is not an object', '#/channels');
  return { major, version, root };
}

/** `#/a/b~1c` → ['a', 'b/c'] (RFC 6901 escapes). */
function pointerParts(pointer: string): string[] {
  if (pointer === '#' || pointer === '#/') return [];
  return pointer
    .slice(2)
    .split('/')
    .map((part) => decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `['channels', '/a/b']` → `#/channels/~1a~1b`. */
export function pointerOf(parts: string[]): string {
  return '#' + parts.map((p) => '/' + p.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** The value at a local pointer, or a problem naming the pointer and where it was referenced from. */
export function valueAt(doc: AsyncApiDocument, pointer: string, from: string): Json {
  let node: Json = doc.root;
  for (const part of pointerParts(pointer)) {
    const next: Json | undefined = isObject(node)
      ? node[part]
      : Array.isArray(node)
        ? node[Number(part)]
        : undefined;
    if (next === undefined) throw new ContractProblem(`$ref ${pointer} points nowhere`, from);
    node = next;
  }
  return node;
}

/** Checks a $ref is local (#/…): file-refs.ts has made every $ref to another file one by now. */
export function checkRef(ref: Json, at: string): string {
  if (typeof ref !== 'string') throw new ContractProblem('$ref is not a string', at);
  if (!ref.startsWith('#')) throw new ContractProblem(`$ref ${ref} is not local`, at);
  return ref;
}

/** A node with its pointer, after following `$ref`s (a chain of them, never a loop). */
export interface Located {
  node: Json;
  pointer: string;
}

export function follow(doc: AsyncApiDocument, node: Json, pointer: string): Located {
  const seen = new Set<string>();
  while (isObject(node) && node.$ref !== undefined) {
    const ref = checkRef(node.$ref, pointer);
    if (seen.has(ref)) throw new ContractProblem(`$ref ${ref} refers to itself`, pointer);
    seen.add(ref);
    node = valueAt(doc, ref, pointer);
    pointer = ref;
  }
  return { node, pointer };
}
