import { describe, expect, it } from 'vitest';
import { loadSentFrameReader } from '../../src/protocols/sent-frames.js';

describe('loadSentFrameReader', () => {
  it('socketio: an emit decodes to its array, a binary emit once its last frame is read, CONNECT and pongs to nothing', async () => {
    const read = await loadSentFrameReader('socketio');
    expect(read('40/chat,{"token":"secret"}')).toBeUndefined();
    expect(read('3')).toBeUndefined();
    expect(read('42/chat,7["add",1,2]')).toEqual({ kind: 'event', text: '["add",1,2]', id: 7 });
    expect(read('451-["bytes",{"_placeholder":true,"num":0}]')).toBeUndefined();
    expect(read(Buffer.from([1, 2, 3]))).toEqual({ kind: 'event', text: '["bytes",{"$binary":"AQID"}]' });
  });

  it('jsonrpc: requests, notifications and batches are the frame itself, with the id', async () => {
    const read = await loadSentFrameReader('jsonrpc');
    const request = '{"jsonrpc":"2.0","id":3,"method":"add","params":[1,2]}';
    expect(read(request)).toEqual({ kind: 'request', text: request, id: 3 });
    expect(read('{"jsonrpc":"2.0","method":"tick"}')).toMatchObject({ kind: 'notification' });
    expect(read('[{"jsonrpc":"2.0","id":1,"method":"a"}]')).toMatchObject({ kind: 'batch' });
  });

  it('graphql-ws: subscribe shows its payload, complete its id; connection_init and pings are the protocol', async () => {
    const read = await loadSentFrameReader('graphql-ws');
    expect(read('{"type":"connection_init","payload":{"token":"x"}}')).toBeUndefined();
    expect(read('{"type":"ping"}')).toBeUndefined();
    expect(read('{"id":"1","type":"subscribe","payload":{"query":"{ hello }"}}')).toEqual({
      kind: 'subscribe',
      text: '{"query":"{ hello }"}',
      id: '1',
    });
    expect(read('{"id":"1","type":"complete"}')).toEqual({ kind: 'complete', text: '', id: '1' });
  });
});
