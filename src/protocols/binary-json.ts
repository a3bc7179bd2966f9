// Binary values inside JSON lines: {"$binary":"<base64>"} stands for bytes (Socket.IO attachments).

/** Replaces every Buffer (or typed array) inside `value` with {"$binary": base64}. */
export function toBinaryJson(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return { $binary: value.toString('base64') };
  if (ArrayBuffer.isView(value))
    return { $binary: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (value instanceof ArrayBuffer) return { $binary: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(toBinaryJson);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toBinaryJson(v)]));
  return value;
}

/** The reverse: every object that is exactly {"$binary": string} becomes a Buffer. */
export function fromBinaryJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromBinaryJson);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === '$binary' && typeof entries[0]![1] === 'string')
      return Buffer.from(entries[0]![1], 'base64');
    return Object.fromEntries(entries.map(([k, v]) => [k, fromBinaryJson(v)]));
  }
  return value;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as text when they are UTF-8, else {"$binary": base64}: a STOMP body, an MQTT payload. */
export function textOrBinary(bytes: Buffer): unknown {
  try {
    return utf8.decode(bytes);
  } catch {
    return { $binary: bytes.toString('base64') };
  }
}
