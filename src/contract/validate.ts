// Checks one message against the candidate messages of a direction: compiled schemas, a discriminator when
// the candidates have one, and the spec's rule that a message matches one and only one of them.

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { MessageSpec } from './channel.js';
import { ContractProblem, follow, isObject, type AsyncApiDocument, type Json } from './document.js';

// ajv-formats is CommonJS: its function is the module itself or its `default`, depending on the loader.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/** One schema error: where in the message (a JSON path, `$.data[0].price`) and what was wrong. */
export interface SchemaError {
  path: string;
  message: string;
}

/**
 * A message's verdict. `valid`: it matched exactly one candidate, or several (`ambiguous` names them).
 * Invalid: `message` is the candidate it came closest to (fewest errors), if there was any candidate.
 */
export interface MessageVerdict {
  isValid: boolean;
  message?: string;
  description?: string;
  ambiguous?: string[];
  /** Invalid against several candidates: `message` is only the closest (none was picked by a discriminator). */
  isClosest?: boolean;
  /**
   * The envelope names a message the document does not have (a JSON-RPC method): neither valid nor a
   * break of the contract (isValid is false, but it fails no run); `errors` says which name.
   */
  isUnknown?: boolean;
  errors: SchemaError[];
}

interface Candidate {
  spec: MessageSpec;
  validate: ValidateFunction | undefined;
  validateHeaders: ValidateFunction | undefined;
}

/** A message split from its protocol's envelope: the payload, and the headers it travelled with. */
export interface MessageParts {
  payload: unknown;
  headers?: Record<string, unknown>;
  /** The message's name, when the envelope says it (a Socket.IO event's name): those so named are tried first. */
  name?: string;
  /** The only candidates to try, by pointer (never empty): the messages a JSON-RPC method names. */
  among?: ReadonlySet<string>;
}

/** The key the whole document is registered under in ajv, so payloads' `#/components/…` refs resolve. */
const DOCUMENT_ID = 'wsx:asyncapi';

/** One ajv for the document: schemas compile once each, when the contract loads. */
export function documentAjv(doc: AsyncApiDocument): Ajv {
  // strict: false, because AsyncAPI schemas carry keywords of their own (discriminator, externalDocs, x-…).
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(doc.root, DOCUMENT_ID, undefined, false);
  return ajv;
}

export class MessageChecker {
  private readonly candidates: Candidate[];
  /** A property every candidate fixes to one distinct value (type, event, method), and the value → candidate map. */
  private readonly discriminator: { property: string; byValue: Map<string, Candidate> } | undefined;

  constructor(doc: AsyncApiDocument, ajv: Ajv, specs: MessageSpec[]) {
    this.candidates = specs.map((spec) => ({
      spec,
      validate: compile(ajv, spec.payloadPointer, 'payload'),
      validateHeaders: compile(ajv, spec.headersPointer, 'headers'),
    }));
    this.discriminator = findDiscriminator(doc, this.candidates);
  }

  get size(): number {
    return this.candidates.length;
  }

  get names(): string[] {
    return this.candidates.map((c) => c.spec.name);
  }

  /** The verdict on one text message: JSON when it parses, else the text itself as a string value. */
  check(text: string): MessageVerdict {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    return this.checkParts({ payload: value });
  }

  /** The verdict on a payload already parsed, with the headers its protocol carried (STOMP frames). */
  checkParts(parts: MessageParts): MessageVerdict {
    const value = parts.payload;
    let candidates = this.candidates;
    const among = parts.among;
    if (among) candidates = candidates.filter((c) => among.has(c.spec.pointer));
    const name = parts.name;
    const named = name === undefined ? [] : candidates.filter((c) => c.spec.aliases.includes(name));
    if (named.length > 0) candidates = named;
    const d = this.discriminator;
    if (d && isObject(value) && d.property in value) {
      const picked = d.byValue.get(JSON.stringify(value[d.property]));
      // Only among the candidates the envelope's name left: the name says more than a payload field.
      if (picked && (candidates === this.candidates || candidates.includes(picked))) candidates = [picked];
    }
    const matched: Candidate[] = [];
    let closest:
      | { candidate: Candidate; errors: { error: ErrorObject; of: unknown; where: string }[]; score: number }
      | undefined;
    for (const candidate of candidates) {
      const errors: { error: ErrorObject; of: unknown; where: string }[] = [];
      if (candidate.validate && !candidate.validate(value))
        for (const error of candidate.validate.errors ?? []) errors.push({ error, of: value, where: '' });
      if (parts.headers && candidate.validateHeaders && !candidate.validateHeaders(parts.headers))
        for (const error of candidate.validateHeaders.errors ?? [])
          errors.push({ error, of: parts.headers, where: 'headers' });
      if (errors.length === 0) {
        matched.push(candidate);
        continue;
      }
      const score = closeness(errors);
      if (!closest || score < closest.score) closest = { candidate, errors, score };
    }
    if (matched.length === 1) return verdictOf(true, matched[0]!.spec, []);
    if (matched.length > 1)
      return { ...verdictOf(true, matched[0]!.spec, []), ambiguous: matched.map((c) => c.spec.name) };
    if (!closest)
      return { isValid: false, errors: [{ path: '$', message: 'no message is declared in this direction' }] };
    const errors = closest.errors.map((e) => {
      const described = describeError(e.error, e.of);
      return e.where === '' ? described : { ...described, path: e.where + described.path };
    });
    return {
      ...verdictOf(false, closest.candidate.spec, errors),
      ...(candidates.length > 1 ? { isClosest: true } : {}),
    };
  }
}

/**
 * How far a message is from a candidate, lower is closer: its number of errors, but a message of another
 * type altogether (an array against an object schema) is farther than any number of errors inside the
 * right type, so a Kraken ticker array is reported against the ticker, not against the first object message.
 */
function closeness(errors: { error: ErrorObject }[]): number {
  const isWrongType = errors.some((e) => e.error.instancePath === '' && e.error.keyword === 'type');
  return errors.length + (isWrongType ? 1_000_000 : 0);
}

function verdictOf(isValid: boolean, spec: MessageSpec, errors: SchemaError[]): MessageVerdict {
  return {
    isValid,
    message: spec.name,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    errors,
  };
}

function compile(ajv: Ajv, pointer: string | undefined, what: string): ValidateFunction | undefined {
  if (pointer === undefined) return undefined;
  try {
    return ajv.compile({ $ref: DOCUMENT_ID + pointer });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ContractProblem(`the ${what} schema cannot be compiled: ${why}`, pointer);
  }
}

/**
 * The payload schema's `properties.NAME` of a message, after $refs (undefined when it has none): what a
 * protocol envelope's fields say about it (a JSON-RPC `method` constant, an `error` member).
 */
export function payloadProperty(doc: AsyncApiDocument, spec: MessageSpec, name: string): Json | undefined {
  if (spec.payloadPointer === undefined) return undefined;
  const payload = follow(doc, { $ref: spec.payloadPointer }, spec.payloadPointer);
  if (!isObject(payload.node) || !isObject(payload.node.properties)) return undefined;
  const property = payload.node.properties[name];
  return property === undefined
    ? undefined
    : follow(doc, property, `${payload.pointer}/properties/${name}`).node;
}

/** The one value a property schema allows (`const`, or an `enum` of one), JSON-encoded; undefined if not one. */
function fixedValue(doc: AsyncApiDocument, schema: Json, at: string): string | undefined {
  const { node } = follow(doc, schema, at);
  if (!isObject(node)) return undefined;
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (Array.isArray(node.enum) && node.enum.length === 1) return JSON.stringify(node.enum[0]);
  return undefined;
}

function findDiscriminator(
  doc: AsyncApiDocument,
  candidates: Candidate[],
): { property: string; byValue: Map<string, Candidate> } | undefined {
  if (candidates.length < 2) return undefined;
  const propertiesOf = (c: Candidate) => {
    if (c.spec.payloadPointer === undefined) return undefined;
    const payload = follow(doc, { $ref: c.spec.payloadPointer }, c.spec.payloadPointer);
    return isObject(payload.node) && isObject(payload.node.properties)
      ? { props: payload.node.properties, at: payload.pointer + '/properties' }
      : undefined;
  };
  const first = propertiesOf(candidates[0]!);
  if (!first) return undefined;
  for (const property of Object.keys(first.props)) {
    const byValue = new Map<string, Candidate>();
    for (const candidate of candidates) {
      const p = propertiesOf(candidate);
      const schema = p?.props[property];
      const value = schema === undefined ? undefined : fixedValue(doc, schema, `${p!.at}/${property}`);
      if (value === undefined || byValue.has(value)) break;
      byValue.set(value, candidate);
    }
    if (byValue.size === candidates.length) return { property, byValue };
  }
  return undefined;
}

/** `/data/0/price` → `$.data[0].price`. */
function jsonPath(instancePath: string): string {
  if (instancePath === '') return '$';
  return (
    '$' +
    instancePath
      .slice(1)
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((p) =>
        /^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`,
      )
      .join('')
  );
}

function valueAtPath(value: unknown, instancePath: string): unknown {
  if (instancePath === '') return value;
  let node = value;
  for (const part of instancePath.slice(1).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? text.slice(0, 39) + '…' : text;
}

function describeError(error: ErrorObject, value: unknown): SchemaError {
  const params = error.params as Record<string, unknown>;
  let message = error.message ?? error.keyword;
  if (error.keyword === 'additionalProperties') message += ` (${String(params.additionalProperty)})`;
  else if (error.keyword === 'enum') message += ` ${preview(params.allowedValues)}`;
  else if (error.keyword === 'const') message += ` ${preview(params.allowedValue)}`;
  if (error.keyword !== 'required' && error.keyword !== 'additionalProperties')
    message += ` (got ${preview(valueAtPath(value, error.instancePath))})`;
  return { path: jsonPath(error.instancePath), message };
}
