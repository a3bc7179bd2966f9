// Raw WebSocket: the codec that does nothing. Frames go out as typed and come in as they are; with a record
// separator (SignalR's 0x1E, a NUL, a newline) each sent message ends with it and text frames are split on it.

import type { Codec } from './codec.js';

export interface RawOptions {
  /**
   * --separator: ends every sent message, and splits received text frames into records. A record is done
   * only when its separator came, so one cut at a frame's end continues in the next frame.
   */
  separator?: string;
}

export function rawCodec(opts: RawOptions = {}): Codec {
  const { separator } = opts;
  /** The start of a record whose separator has not come yet (text after a frame's last separator). */
  let unended = '';
  return {
    name: 'raw',
    target: (url, protocols) => ({ url, protocols }),
    opened: (ctx) => ctx.ready(''),
    received(frame, ctx) {
      if (frame.isBinary) {
        ctx.deliver({ kind: 'frame', text: '', binary: frame.data, frame });
        return;
      }
      const text = frame.data.toString('utf8');
      if (!separator) {
        ctx.deliver({ kind: 'frame', text, frame });
        return;
      }
      const records = (unended + text).split(separator);
      unended = records.pop()!;
      for (const record of records) ctx.deliver({ kind: 'frame', text: record, frame });
    },
    closed(_code, _reason, ctx) {
      // A record a closed socket never ended is not glued to the first frame of the next socket.
      if (unended !== '')
        ctx.note(
          `dropped ${Buffer.byteLength(unended)} bytes after the last separator: the socket closed before the record ended`,
        );
      unended = '';
      return undefined;
    },
    input: (line, ctx) => ctx.send(separator ? line + separator : line),
    dispose: () => {},
  };
}
