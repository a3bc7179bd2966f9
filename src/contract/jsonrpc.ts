// JSON-RPC 2.0 messages (--proto jsonrpc, cdp) against a document: a request's or notification's `method`
// names its message, a response is named by the method of the request it answers (the codec pairs the ids
// and says which), an error response is checked against the error message the document names.
//
// The payload checked is the whole JSON-RPC object, not its `params`: JSON-RPC AsyncAPI documents describe
// the envelope (`jsonrpc: const "2.0"`, `id`, `method` as a constant, `params` or `result`; so do generated
// ones, e.g. TypeSpec's AsyncAPI emitter for SignalWire's API), and their `correlationId` is
// `$message.payload#/id`, which only the envelope holds. A document describing `params` alone would see
// every request invalid at `$`, which says so at once.

import type { ChannelChoice, MessageSpec } from './channel.js';
import { isObject, type AsyncApiDocument } from './document.js';
import { payloadProperty, type MessageChecker, type MessageVerdict } from './validate.js';

type Direction = 'received' | 'sent';

/** The names listed in an unknown method's error: enough to spot a typo, bounded for a large API. */
const MAX_LISTED_METHODS = 10;
/** Unknown methods remembered so their responses are unknown too; bounded against a flood of names. */
const MAX_UNKNOWN_METHODS = 1000;

export class JsonRpcNaming {
  /** Per direction: method → the pointers of the messages it names (by name, messageId, key or `method` constant). */
  private readonly byMethod: Record<Direction, Map<string, Set<string>>> = {
    received: new Map(),
    sent: new Map(),
  };
  /** Per direction: generic messages, whose payload declares a `method` it does not fix: any method's. */
  private readonly generic: Record<Direction, Set<string>> = { received: new Set(), sent: new Set() };
  /** Per direction: the messages whose payload has an `error` member (the document's error responses). */
  private readonly errorMessages: Record<Direction, Set<string>> = { received: new Set(), sent: new Set() };
  /** Method → the received messages its request's operation names as `reply` (3.0), results and errors apart. */
  private readonly replies = new Map<string, { results: Set<string>; errors: Set<string> }>();
  /** Per direction: "add, greet" for an unknown method's error. */
  private readonly listed: Record<Direction, string>;
  /** Methods of requests wsx sent that named no message: the answers to them are unknown as well. */
  private readonly unknownSent = new Set<string>();

  constructor(
    doc: AsyncApiDocument,
    choice: ChannelChoice,
    private readonly checkers: Record<Direction, MessageChecker>,
  ) {
    const fixedMethod = (spec: MessageSpec): string | undefined => {
      const method = payloadProperty(doc, spec, 'method');
      const fixed = !isObject(method)
        ? undefined
        : (method.const ??
          (Array.isArray(method.enum) && method.enum.length === 1 ? method.enum[0] : undefined));
      return typeof fixed === 'string' ? fixed : undefined;
    };
    const methodsOf = (spec: MessageSpec): string[] => {
      const fixed = fixedMethod(spec);
      return fixed === undefined ? spec.aliases : [...spec.aliases, fixed];
    };
    const specs: Record<Direction, MessageSpec[]> = { received: choice.receives, sent: choice.sends };
    for (const direction of ['received', 'sent'] as const) {
      for (const spec of specs[direction]) {
        for (const method of methodsOf(spec)) {
          const named = this.byMethod[direction].get(method) ?? new Set<string>();
          this.byMethod[direction].set(method, named.add(spec.pointer));
        }
        if (payloadProperty(doc, spec, 'error') !== undefined)
          this.errorMessages[direction].add(spec.pointer);
        if (payloadProperty(doc, spec, 'method') !== undefined && fixedMethod(spec) === undefined)
          this.generic[direction].add(spec.pointer);
      }
    }
    for (const spec of choice.sends) {
      const replies = choice.repliesTo.get(spec.pointer);
      if (!replies) continue;
      for (const method of methodsOf(spec)) {
        const known = this.replies.get(method) ?? { results: new Set<string>(), errors: new Set<string>() };
        for (const reply of replies)
          (this.errorMessages.received.has(reply.pointer) ? known.errors : known.results).add(reply.pointer);
        this.replies.set(method, known);
      }
    }
    const list = (direction: Direction) => {
      const names = specs[direction].map((s) => s.name);
      const shown = names.slice(0, MAX_LISTED_METHODS).join(', ');
      return names.length > MAX_LISTED_METHODS ? `${shown}, …` : shown;
    };
    this.listed = { received: list('received'), sent: list('sent') };
  }

  /** The verdict on one JSON-RPC message; `answers` is the method of the request a response answers. */
  check(direction: Direction, text: string, answers: string | undefined): MessageVerdict {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.checkers[direction].check(text);
    }
    // A batch (wsx sends one as one frame; the codec splits a batch answer): each request on its own.
    if (Array.isArray(value) && value.length > 0) return this.checkBatch(direction, value);
    return this.checkValue(direction, value, answers);
  }

  /** The first request that breaks the contract, its paths under `$[i]`; else an unknown one; else valid. */
  private checkBatch(direction: Direction, batch: unknown[]): MessageVerdict {
    const verdicts = batch.map((v) => this.checkValue(direction, v, undefined));
    const at = (i: number) => {
      const v = verdicts[i]!;
      return { ...v, errors: v.errors.map((e) => ({ ...e, path: e.path.replace(/^\$/, `$[${i}]`) })) };
    };
    const invalid = verdicts.findIndex((v) => !v.isValid && !v.isUnknown);
    if (invalid !== -1) return at(invalid);
    const unknownAt = verdicts.findIndex((v) => v.isUnknown);
    if (unknownAt !== -1) return at(unknownAt);
    return { isValid: true, message: verdicts.map((v) => v.message ?? '?').join(', '), errors: [] };
  }

  private checkValue(direction: Direction, value: unknown, answers: string | undefined): MessageVerdict {
    const checker = this.checkers[direction];
    // Anything but an object is checked as it is against every candidate.
    if (!isObject(value)) return checker.checkParts({ payload: value });
    if (typeof value.method === 'string') {
      const among = this.byMethod[direction].get(value.method);
      if (among) return checker.checkParts({ payload: value, among });
      // No message is named so: a generic message (a `method` of any name) is its message, valid or not.
      const generic = this.generic[direction];
      if (generic.size > 0) return checker.checkParts({ payload: value, among: generic });
      // A message with no `method` property at all may still accept it, and then that is its message.
      const verdict = checker.checkParts({ payload: value });
      if (verdict.isValid) return verdict;
      if (direction === 'sent' && this.unknownSent.size < MAX_UNKNOWN_METHODS)
        this.unknownSent.add(value.method);
      const listed = this.listed[direction];
      return unknown(
        '$.method',
        `${value.method} names no message the document has${listed === '' ? '' : ` (${listed})`}`,
      );
    }
    // A response: the reply of its request's method, when the document names one (3.0 `reply`).
    const replies = answers === undefined || direction === 'sent' ? undefined : this.replies.get(answers);
    // The result of a method the document does not name is no message of it either (its error response
    // still is: "method not found" is what the document's error message describes).
    if (answers !== undefined && this.unknownSent.has(answers) && !('error' in value))
      return unknown('$', `answers ${answers}, which names no message the document has`);
    if ('error' in value) {
      const errors = replies && replies.errors.size > 0 ? replies.errors : this.errorMessages[direction];
      // A document naming no error message: checked against every candidate, as any other message.
      return checker.checkParts(errors.size > 0 ? { payload: value, among: errors } : { payload: value });
    }
    return checker.checkParts(
      replies && replies.results.size > 0 ? { payload: value, among: replies.results } : { payload: value },
    );
  }
}

function unknown(path: string, message: string): MessageVerdict {
  return { isValid: false, isUnknown: true, errors: [{ path, message }] };
}
