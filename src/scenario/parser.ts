// Reads a `.wsx` scenario: one step per line, `#` comment lines, blank lines ignored. The whole file is
// checked before anything connects; every mistake is `FILE:LINE: what is wrong`.

import { matcherVariables } from '../match/matcher-template.js';
import {
  MatchSyntaxError,
  parsePath,
  readMatcher,
  readRegex,
  variablePattern,
  variablesIn,
  type Matcher,
} from '../match/matcher.js';
import type { ProtocolName } from '../protocols/codec.js';
import { protocolNames } from '../protocols/index.js';
import { dirname, isAbsolute, join } from 'node:path';
import { durationRefusal, parseDuration } from '../text/duration.js';
import { describeIoError } from '../text/io-error.js';
import { LocalFileError, readLocalFile } from '../text/local-file.js';
import type { Scenario, Step } from './steps.js';

export class ScenarioSyntaxError extends Error {
  override readonly name = 'ScenarioSyntaxError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly what: string,
  ) {
    super(line === undefined ? `${file}: ${what}` : `${file}:${line}: ${what}`);
  }
}

/** A scenario file wsx cannot read: worded as every local file is ("cannot read FILE: no such file"). */
export class ScenarioFileError extends ScenarioSyntaxError {
  constructor(file: string, cause: LocalFileError) {
    super(file, undefined, cause.reason);
    this.message = describeIoError(cause, file);
  }
}

/** A mistake on the current line; the parser adds file and line number. */
class LineError extends Error {}

export { variablePattern };
const variableName = /^(?:env\.[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*)$/;
const captureName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Close codes an endpoint may send (RFC 6455 §7.4: 1004-1006 and 1015 never go on the wire). */
export function isSendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/**
 * What a scenario's `{{name}}` may refer to, known before it runs: the --var names and the environment.
 * With it, a step that uses a variable nothing defines (no --var, no earlier `capture`, an unset
 * environment variable) is a mistake on its line, found before anything connects.
 */
export interface KnownVariables {
  vars: Iterable<string>;
  env: NodeJS.ProcessEnv;
}

/** Reads and parses `file`. Throws ScenarioSyntaxError for a missing file, bad UTF-8 or any bad line. */
export function readScenario(file: string, known?: KnownVariables): Scenario {
  let bytes: Buffer;
  try {
    bytes = readLocalFile(file);
  } catch (err) {
    if (err instanceof LocalFileError) throw new ScenarioFileError(file, err);
    throw err;
  }
  return parseScenario(file, decodeUtf8(file, bytes), known);
}

function decodeUtf8(file: string, bytes: Buffer): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    return decoder.decode(bytes);
  } catch {
    // Name the first line that is not UTF-8.
    let start = 0;
    for (let line = 1; ; line++) {
      const nl = bytes.indexOf(0x0a, start);
      const end = nl === -1 ? bytes.length : nl;
      try {
        decoder.decode(bytes.subarray(start, end));
      } catch {
        throw new ScenarioSyntaxError(file, line, 'not UTF-8 text');
      }
      if (nl === -1) throw new ScenarioSyntaxError(file, undefined, 'not UTF-8 text');
      start = nl + 1;
    }
  }
}

/** Parses scenario text; `file` names it in errors. */
export function parseScenario(file: string, text: string, known?: KnownVariables): Scenario {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  // Variables defined so far: --var names, then each capture as the file goes on.
  const defined = new Set(known?.vars ?? []);
  const steps: Step[] = [];
  let url: string | undefined;
  let connectLine: number | undefined;
  let hasExpect = false;
  let proto: ProtocolName | undefined;
  let asyncapi: string | undefined;
  let contractLine: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      const verb = /^\S+/.exec(line)![0];
      const rest = line.slice(verb.length).trim();
      if (verb === 'send' && rest.startsWith('<<')) {
        const { step, lastLine } = readHeredoc(lines, i, rest.slice(2).trim());
        if (known) checkDefined(step, defined, known.env);
        steps.push(step);
        i = lastLine;
        continue;
      }
      if (verb === 'expect' && /^all(\s|$)/.test(rest)) {
        const { step, lastLine } = readExpectAll(lines, i, rest.slice(3).trim());
        if (known) checkDefined(step, defined, known.env);
        if (step.verb === 'expect-all' && step.items.some((item) => readsContract(item.matcher)))
          contractLine ??= lineNo;
        hasExpect = true;
        steps.push(step);
        i = lastLine;
        continue;
      }
      if (verb === 'proto') {
        // Which protocol the file speaks over WebSocket (--proto on the command line wins).
        if (proto !== undefined) throw new LineError('a second proto: one protocol per file');
        if (steps.length > 0) throw new LineError('proto must come before the steps');
        if (!(protocolNames as readonly string[]).includes(rest))
          throw new LineError(`proto: unknown protocol "${rest}" (use one of ${protocolNames.join(', ')})`);
        proto = rest as ProtocolName;
        continue;
      }
      if (verb === 'asyncapi') {
        // The AsyncAPI document `expect valid NAME` checks against, relative to this file (--asyncapi wins).
        if (asyncapi !== undefined) throw new LineError('a second asyncapi: one document per file');
        if (steps.length > 0) throw new LineError('asyncapi must come before the steps');
        if (rest === '') throw new LineError('asyncapi: missing FILE (the AsyncAPI document)');
        asyncapi = isAbsolute(rest) ? rest : join(dirname(file), rest);
        continue;
      }
      const step = parseStep(verb, rest, line, lineNo);
      if (step.verb === 'connect') {
        if (url !== undefined) throw new LineError('a second connect: one connection per file');
        if (steps.length > 0) throw new LineError('connect must come before the other steps');
        url = step.url;
        connectLine = lineNo;
        continue;
      }
      if (step.verb === 'capture' && !hasExpect)
        throw new LineError(
          'capture reads the message the last expect matched, and no expect comes before it',
        );
      if (step.verb === 'expect') hasExpect = true;
      if ('matcher' in step && readsContract(step.matcher)) contractLine ??= lineNo;
      if (known) checkDefined(step, defined, known.env);
      if (step.verb === 'capture') defined.add(step.name);
      steps.push(step);
    } catch (err) {
      if (err instanceof InnerLineError) throw new ScenarioSyntaxError(file, err.line, err.message);
      if (err instanceof LineError) throw new ScenarioSyntaxError(file, lineNo, err.message);
      throw err;
    }
  }
  return {
    file,
    url,
    connectLine,
    steps,
    ...(proto === undefined ? {} : { proto }),
    ...(asyncapi === undefined ? {} : { asyncapi }),
    ...(contractLine === undefined ? {} : { contractLine }),
  };
}

/** A `valid NAME` or `invalid` condition: the step needs a contract to check messages against. */
function readsContract(matcher: Matcher): boolean {
  return matcher.conditions.some((c) => c.kind === 'contract');
}

/** `send <<END`, then the payload's lines, then a line that is exactly END. */
function readHeredoc(lines: string[], first: number, marker: string): { step: Step; lastLine: number } {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(marker))
    throw new LineError('send <<WORD: WORD is the line that ends the payload, e.g. <<END');
  for (let j = first + 1; j < lines.length; j++) {
    if (lines[j]!.trim() === marker) {
      const template = lines.slice(first + 1, j).join('\n');
      checkTemplate(template);
      const count = j - first - 1;
      return {
        step: {
          verb: 'send',
          template,
          encoding: 'text',
          line: first + 1,
          text: `send <<${marker} (${count} line${count === 1 ? '' : 's'})`,
        },
        lastLine: j,
      };
    }
  }
  throw new LineError(`send <<${marker}: no line "${marker}" ends the payload`);
}

/**
 * `expect all [within DURATION]`, then one `[N] MATCHER` per line, then `end`: expectations met in any
 * order within one deadline (a real API may send an event before or after the response it goes with).
 */
function readExpectAll(lines: string[], first: number, rest: string): { step: Step; lastLine: number } {
  const { withinMs, rest: tail } = readWithin(rest);
  noTrailing(tail, 'expect all [within DURATION], then one matcher a line, then end');
  const items: Extract<Step, { verb: 'expect-all' }>['items'] = [];
  for (let j = first + 1; j < lines.length; j++) {
    const line = lines[j]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line === 'end') {
      if (items.length === 0) throw new LineError('expect all: no matcher before end');
      const shown = items.map((item) => (item.count > 1 ? `${item.count} ` : '') + item.matcher.label);
      const within = withinMs === undefined ? '' : ` ${rest.trim()}`;
      return {
        step: {
          verb: 'expect-all',
          items,
          withinMs,
          line: first + 1,
          text: `expect all${within} (${shown.join('; ')})`,
        },
        lastLine: j,
      };
    }
    try {
      const [word, afterWord] = splitWord(line);
      let count = 1;
      let text = line;
      if (/^\d+$/.test(word)) {
        count = Number(word);
        if (count < 1) throw new LineError('expect all: the count must be 1 or more');
        text = afterWord;
      }
      const { matcher, rest: after } = matcherAt(text, 'expect all');
      noTrailing(after, '[N] MATCHER, one a line, inside expect all … end');
      items.push({ matcher, count, line: j + 1 });
    } catch (err) {
      // The mistake is on the inner line, not on `expect all`.
      if (err instanceof LineError) throw new InnerLineError(j + 1, err.message);
      throw err;
    }
  }
  throw new LineError('expect all: no line "end" closes the group');
}

/** A mistake on a line inside a multi-line step. */
class InnerLineError extends LineError {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Fails a step that refers to a variable nothing has defined by then. */
function checkDefined(step: Step, defined: ReadonlySet<string>, env: NodeJS.ProcessEnv): void {
  const names =
    step.verb === 'send'
      ? variablesIn(step.template)
      : step.verb === 'close'
        ? variablesIn(step.reason)
        : step.verb === 'expect' || step.verb === 'expect-no' || step.verb === 'ignore'
          ? matcherVariables(step.matcher)
          : step.verb === 'expect-all'
            ? step.items.flatMap((item) => matcherVariables(item.matcher))
            : [];
  for (const name of names) {
    if (name.startsWith('env.')) {
      if (env[name.slice(4)] === undefined)
        throw new LineError(`{{${name}}}: environment variable ${name.slice(4)} is not set`);
    } else if (!defined.has(name)) {
      throw new LineError(
        `unknown variable {{${name}}} (capture it in an earlier step, or pass --var ${name}=VALUE)`,
      );
    }
  }
}

function parseStep(verb: string, rest: string, text: string, line: number): Step {
  const at = { line, text };
  switch (verb) {
    case 'connect': {
      const [target, comment] = splitWord(rest);
      if (!target) throw new LineError('connect: missing URL');
      noTrailing(comment, 'connect URL');
      return { ...at, verb: 'connect', url: target };
    }
    case 'send':
    case 'send-hex':
    case 'send-base64': {
      if (rest === '')
        throw new LineError(`${verb}: missing payload (for an empty message: send <<END, then END)`);
      checkTemplate(rest);
      const encoding = verb === 'send' ? 'text' : verb === 'send-hex' ? 'hex' : 'base64';
      if (!rest.includes('{{')) checkBinary(encoding, rest);
      return { ...at, verb: 'send', template: rest, encoding };
    }
    case 'expect':
      return parseExpect(rest, at);
    case 'expect-close': {
      let remaining = rest;
      let code: number | undefined;
      const [first, after] = splitWord(remaining);
      if (/^\d+$/.test(first)) {
        code = Number(first);
        if (code < 1000 || code > 4999)
          throw new LineError(`expect-close: ${first} is not a close code (1000-4999)`);
        remaining = after;
      }
      const { withinMs, rest: tail } = readWithin(remaining);
      noTrailing(tail, 'expect-close [CODE] [within DURATION]');
      return { ...at, verb: 'expect-close', code, withinMs };
    }
    case 'capture':
      return parseCapture(rest, at);
    case 'ignore': {
      const { matcher, rest: tail } = matcherAt(rest, 'ignore');
      noTrailing(tail, 'ignore MATCHER');
      return { ...at, verb: 'ignore', matcher };
    }
    case 'sleep': {
      const [d, tail] = splitWord(rest);
      const ms = d ? parseDuration(d) : undefined;
      if (ms === undefined) throw new LineError(`sleep: "${d}" ${durationRefusal(d ?? '')} (e.g. 500ms, 2s)`);
      noTrailing(tail, 'sleep DURATION');
      return { ...at, verb: 'sleep', ms };
    }
    case 'ping':
      noTrailing(rest, 'ping');
      return { ...at, verb: 'ping' };
    case 'close': {
      const [first, reason] = splitWord(rest);
      if (first === '' || first.startsWith('#')) return { ...at, verb: 'close', code: 1000, reason: '' };
      const code = Number(first);
      if (!/^\d+$/.test(first) || !isSendableCloseCode(code))
        throw new LineError(
          `close: ${first} is not a close code wsx may send (1000-1003, 1007-1014, 3000-4999)`,
        );
      checkTemplate(reason);
      if (Buffer.byteLength(reason) > 123) throw new LineError('close: the reason is over 123 bytes');
      return { ...at, verb: 'close', code, reason };
    }
    default:
      throw new LineError(
        `unknown step "${verb}" (steps: proto, asyncapi, connect, send, send-hex, send-base64, expect, expect-close, capture, ignore, sleep, ping, close)`,
      );
  }
}

function parseExpect(rest: string, at: { line: number; text: string }): Step {
  let remaining = rest;
  const [first, afterFirst] = splitWord(remaining);
  if (first === 'no') {
    const { matcher, rest: tail } = matcherAt(afterFirst, 'expect no');
    const { withinMs, rest: end } = readWithin(tail);
    noTrailing(end, 'expect no MATCHER [within DURATION]');
    return { ...at, verb: 'expect-no', matcher, withinMs };
  }
  let count = 1;
  if (/^\d+$/.test(first)) {
    count = Number(first);
    if (count < 1) throw new LineError('expect: the count must be 1 or more');
    remaining = afterFirst;
  }
  const { matcher, rest: tail } = matcherAt(remaining, 'expect');
  const { withinMs, rest: end } = readWithin(tail);
  noTrailing(end, 'expect [N] MATCHER [within DURATION]');
  return { ...at, verb: 'expect', matcher, count, withinMs };
}

function parseCapture(rest: string, at: { line: number; text: string }): Step {
  const m = /^(\S+)\s*=\s*(.*)$/.exec(rest);
  if (!m) throw new LineError('capture: write capture NAME = json PATH, or capture NAME = /re(group)/');
  const name = m[1]!;
  if (!captureName.test(name) || name === 'env')
    throw new LineError(`capture: "${name}" is not a variable name (letters, digits, _)`);
  const source = m[2]!;
  if (source.startsWith('/')) {
    const { re, end } = regexAt(source, 0);
    noTrailing(source.slice(end).trim(), 'capture NAME = /re(group)/');
    return { ...at, verb: 'capture', name, from: { kind: 'regex', re } };
  }
  const [word, afterWord] = splitWord(source);
  if (word !== 'json')
    throw new LineError(`capture: expected json PATH or /re(group)/ after =, got "${word}"`);
  const [pathText, tail] = splitWord(afterWord);
  if (!pathText) throw new LineError('capture: missing PATH after json');
  let path;
  try {
    path = parsePath(pathText);
  } catch (err) {
    throw new LineError(`capture: ${(err as Error).message}`);
  }
  noTrailing(tail, 'capture NAME = json PATH');
  return { ...at, verb: 'capture', name, from: { kind: 'json', path, pathText } };
}

function matcherAt(text: string, verb: string): { matcher: Matcher; rest: string } {
  if (text.trim() === '') throw new LineError(`${verb}: missing matcher (/regex/ or json PATH OP VALUE)`);
  try {
    const { matcher, end } = readMatcher(text);
    for (const name of matcherVariables(matcher))
      if (!variableName.test(name))
        throw new LineError(`{{${name}}} is not a variable: use {{name}} or {{env.NAME}}`);
    return { matcher, rest: text.slice(end).trim() };
  } catch (err) {
    if (err instanceof MatchSyntaxError) throw new LineError(`${verb}: ${err.message}`);
    throw err;
  }
}

function regexAt(text: string, start: number): { re: RegExp; end: number } {
  try {
    return readRegex(text, start);
  } catch (err) {
    if (err instanceof MatchSyntaxError) throw new LineError(`capture: ${err.message}`);
    throw err;
  }
}

/** An optional `within DURATION` at the start of `text`. */
function readWithin(text: string): { withinMs: number | undefined; rest: string } {
  const [word, after] = splitWord(text);
  if (word !== 'within') return { withinMs: undefined, rest: text };
  const [d, rest] = splitWord(after);
  const ms = d ? parseDuration(d) : undefined;
  if (!ms) throw new LineError(`within: "${d}" ${durationRefusal(d ?? '')} (e.g. 500ms, 5s)`);
  return { withinMs: ms, rest };
}

function splitWord(text: string): [string, string] {
  const t = text.trim();
  const m = /^(\S*)\s*(.*)$/s.exec(t)!;
  return [m[1]!, m[2]!];
}

/** Anything after a complete step must be a `# comment`. */
function noTrailing(rest: string, form: string): void {
  const t = rest.trim();
  if (t !== '' && !t.startsWith('#'))
    throw new LineError(`unexpected "${t.split(/\s/)[0]}" (the form is: ${form})`);
}

function checkTemplate(template: string): void {
  for (const m of template.matchAll(variablePattern)) {
    if (!variableName.test(m[1]!))
      throw new LineError(`${m[0]} is not a variable: use {{name}} or {{env.NAME}}`);
  }
}

function checkBinary(encoding: 'text' | 'hex' | 'base64', payload: string): void {
  if (encoding === 'hex' && !/^(?:[0-9a-f]{2})*$/i.test(payload.replace(/\s+/g, '')))
    throw new LineError('send-hex: not hex (pairs of 0-9, a-f; spaces allowed)');
  if (encoding === 'base64' && !/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload))
    throw new LineError('send-base64: not base64');
}
