// `{{name}}` and `{{env.NAME}}` in send payloads, filled in when the step runs.

import { variablePattern } from './parser.js';

/**
 * Replaces every `{{name}}` with `vars[name]` and `{{env.NAME}}` with `env[NAME]`. Returns the text, or the
 * first variable that has no value (`{ missing: 'session' }`).
 */
export function fillTemplate(
  template: string,
  vars: ReadonlyMap<string, string>,
  env: NodeJS.ProcessEnv,
): { text: string } | { missing: string } {
  let missing: string | undefined;
  const text = template.replace(variablePattern, (whole, name: string) => {
    const value = name.startsWith('env.') ? env[name.slice(4)] : vars.get(name);
    if (value === undefined) missing ??= name;
    return value ?? whole;
  });
  return missing === undefined ? { text } : { missing };
}

/** A payload as the socket takes it: text stays a string, hex and base64 become bytes. */
export function encodePayload(
  text: string,
  encoding: 'text' | 'hex' | 'base64',
): string | Buffer | undefined {
  if (encoding === 'text') return text;
  if (encoding === 'hex') {
    const hex = text.replace(/\s+/g, '');
    return /^(?:[0-9a-f]{2})*$/i.test(hex) ? Buffer.from(hex, 'hex') : undefined;
  }
  return /^[A-Za-z0-9+/_-]*={0,2}$/.test(text) ? Buffer.from(text, 'base64') : undefined;
}
