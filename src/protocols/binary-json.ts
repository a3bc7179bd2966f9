// Binary values inside JSON lines: {"$binary":"<base64>"} stands for bytes that are not text.

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as text when they are UTF-8, else {"$binary": base64}: a STOMP body, an MQTT payload. */
export function textOrBinary(bytes: Buffer): unknown {
  try {
    return utf8.decode(bytes);
  } catch {
    return { $binary: bytes.toString('base64') };
  }
}
