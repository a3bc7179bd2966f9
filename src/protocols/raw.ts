// Raw WebSocket: the codec that does nothing. Frames go out as typed and come in as they are.

import type { Codec } from './codec.js';

export function rawCodec(): Codec {
  return {
    name: 'raw',
    target: (url, protocols) => ({ url, protocols }),
    opened: (ctx) => ctx.ready(''),
    received(frame, ctx) {
      if (frame.isBinary) ctx.deliver({ kind: 'frame', text: '', binary: frame.data, frame });
      else ctx.deliver({ kind: 'frame', text: frame.data.toString('utf8'), frame });
    },
    closed: () => undefined,
    input: (line, ctx) => ctx.send(line),
    dispose: () => {},
  };
}
