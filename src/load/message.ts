// --message templates for wsx load: {{conn}}, {{seq}}, {{uuid}} and {{now}}, compiled once so that
// making a message per send costs a join, not a regex.

import { randomUUID } from 'node:crypto';

const placeholder = /\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g;
const known = new Set(['conn', 'seq', 'uuid', 'now']);

/** Makes the text of message `seq` (0-based, per connection) of connection `conn` (0-based, global). */
export type MessageMaker = (conn: number, seq: number) => string;

/** Compiles `template`; returns a message naming an unknown placeholder instead of throwing. */
export function compileMessage(template: string): MessageMaker | string {
  const parts: (string | ((conn: number, seq: number) => string))[] = [];
  let last = 0;
  for (const match of template.matchAll(placeholder)) {
    const name = match[1]!;
    if (!known.has(name))
      return `unknown placeholder {{${name}}} (use {{conn}}, {{seq}}, {{uuid}} or {{now}})`;
    parts.push(template.slice(last, match.index));
    parts.push(
      name === 'conn'
        ? (conn) => String(conn)
        : name === 'seq'
          ? (_conn, seq) => String(seq)
          : name === 'uuid'
            ? () => randomUUID()
            : () => String(Date.now()),
    );
    last = match.index + match[0].length;
  }
  parts.push(template.slice(last));
  const fixed = parts.filter((p): p is string => typeof p === 'string');
  if (fixed.length === parts.length) return () => template;
  return (conn, seq) => {
    let text = '';
    for (const p of parts) text += typeof p === 'string' ? p : p(conn, seq);
    return text;
  };
}

/** The message sent when --rate is given without --message: unique per send, so an echo pairs it. */
export const defaultMessage = 'wsx-load {{conn}} {{seq}}';
