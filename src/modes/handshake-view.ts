// --show-handshake: the upgrade request and response as text, with secret header values masked.

import type { HandshakeInfo } from '../core/events.js';

/** Lines to print: "> GET /path HTTP/1.1", "> Header: value", "< HTTP/1.1 101 …", "< Header: value". */
export function describeHandshake(info: HandshakeInfo, secretHeaders: Set<string>): string[] {
  const show = (name: string, value: string | string[] | number | undefined) => {
    const text = Array.isArray(value) ? value.join(', ') : String(value ?? '');
    return `${name}: ${secretHeaders.has(name.toLowerCase()) ? '***' : text}`;
  };
  const lines = [`> ${info.request.method} ${info.request.path} HTTP/1.1`];
  for (const [name, value] of Object.entries(info.request.headers)) lines.push(`> ${show(name, value)}`);
  lines.push(`< HTTP/1.1 ${info.response.statusCode} ${info.response.statusMessage}`);
  for (const [name, value] of Object.entries(info.response.headers)) lines.push(`< ${show(name, value)}`);
  return lines;
}

/**
 * What the server made of what we offered, in words: the subprotocol it chose (or none, when we offered
 * some) and, when we offered compression, whether it accepted. Empty when there is nothing to say.
 */
export function negotiationNotes(
  info: HandshakeInfo,
  offered: { protocols: readonly string[]; compress: boolean },
): string[] {
  const notes: string[] = [];
  if (info.protocol) notes.push(`the server chose subprotocol ${info.protocol}`);
  else if (offered.protocols.length > 0) notes.push('the server chose no subprotocol');
  if (offered.compress) {
    notes.push(
      `compression: the server ${info.extensions.includes('permessage-deflate') ? 'accepted' : 'declined'} permessage-deflate`,
    );
  }
  return notes;
}
