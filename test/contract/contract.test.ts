import { describe, expect, it } from 'vitest';
import { loadContract, type Contract, type ContractRequest } from '../../src/contract/index.js';

/** An AsyncAPI 2.6 document in YAML: a ticker feed the server pushes, subscribe requests it accepts. */
const v2Yaml = `
asyncapi: 2.6.0
info: { title: Ticker, version: 1.0.0 }
servers:
  production: { url: 'wss://api.example.com/v1', protocol: wss }
channels:
  /ticker/{pair}:
    parameters: { pair: { schema: { type: string } } }
    subscribe:
      message:
        oneOf:
          - $ref: '#/components/messages/tickerUpdate'
          - $ref: '#/components/messages/heartbeat'
    publish:
      message: { $ref: '#/components/messages/subscribe' }
  /status:
    subscribe:
      message: { name: status, payload: { type: string } }
components:
  messages:
    tickerUpdate:
      name: tickerUpdate
      summary: A price change
      payload: { $ref: '#/components/schemas/ticker' }
    heartbeat:
      name: heartbeat
      payload:
        type: object
        required: [event]
        properties: { event: { const: heartbeat } }
    subscribe:
      name: subscribe
      payload:
        type: object
        required: [event, pair]
        properties: { event: { enum: [subscribe] }, pair: { type: string } }
        additionalProperties: false
  schemas:
    ticker:
      type: object
      required: [event, price]
      properties:
        event: { const: ticker }
        price: { type: number }
        history: { type: array, items: { $ref: '#/components/schemas/ticker' } }
`;

/** An AsyncAPI 3.0 document in JSON: a chat whose server sends messages and receives posts. */
const v3 = {
  asyncapi: '3.0.0',
  info: { title: 'Chat', version: '1.0.0' },
  servers: { local: { host: 'chat.example.com', pathname: '/ws', protocol: 'ws' } },
  channels: {
    room: {
      address: '/rooms/{roomId}',
      messages: {
        said: { $ref: '#/components/messages/said' },
        joined: { payload: { type: 'object', required: ['who'], properties: { who: { type: 'string' } } } },
        post: { payload: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } } },
      },
    },
    lobby: { address: '/lobby', messages: {} },
    anything: { address: null, messages: { any: { payload: { type: 'object' } } } },
  },
  operations: {
    tell: {
      action: 'send',
      channel: { $ref: '#/channels/room' },
      messages: [{ $ref: '#/channels/room/messages/said' }, { $ref: '#/channels/room/messages/joined' }],
    },
    post: {
      action: 'receive',
      channel: { $ref: '#/channels/room' },
      messages: [{ $ref: '#/channels/room/messages/post' }],
    },
    hear: { action: 'send', channel: { $ref: '#/channels/anything' } },
  },
  components: {
    messages: {
      said: {
        name: 'said',
        payload: {
          type: 'object',
          required: ['text', 'at'],
          properties: { text: { type: 'string' }, at: { type: 'string', format: 'date-time' } },
        },
      },
    },
  },
};

function load(over: Partial<ContractRequest>): Contract {
  const result = loadContract({
    file: 'api.yaml',
    text: v2Yaml,
    url: 'wss://api.example.com/v1/ticker/BTC',
    role: 'server',
    ...over,
  });
  if ('problem' in result) throw new Error(result.problem);
  return result.contract;
}

function problemOf(over: Partial<ContractRequest>): string {
  const result = loadContract({
    file: 'api.yaml',
    text: v2Yaml,
    url: 'ws://127.0.0.1/v1/ticker/x',
    role: 'server',
    ...over,
  });
  if (!('problem' in result)) throw new Error(`loaded channel ${result.contract.channel}`);
  return result.problem;
}

describe('loading a document', () => {
  it('refuses text that is not YAML or JSON, naming the file', () => {
    expect(problemOf({ text: 'a: [1, 2' })).toMatch(/^api\.yaml: not valid YAML or JSON/);
  });

  it('refuses a document with no asyncapi field, or a version it cannot read', () => {
    expect(problemOf({ text: 'openapi: 3.1.0\n' })).toBe(
      'api.yaml: not an AsyncAPI document: no "asyncapi" version field (at #/asyncapi)',
    );
    expect(problemOf({ text: 'asyncapi: 1.2.0\n' })).toMatch(/unsupported AsyncAPI version 1\.2\.0/);
  });

  it('names the pointer of a $ref that points nowhere', () => {
    const text = v2Yaml.replace("'#/components/messages/heartbeat'", "'#/components/messages/nope'");
    expect(problemOf({ text })).toBe(
      'api.yaml: $ref #/components/messages/nope points nowhere (at #/channels/~1ticker~1{pair}/subscribe/message/oneOf/1)',
    );
  });

  it('refuses a $ref to a URL (a $ref to a file is followed: file-refs.test.ts)', () => {
    const text = v2Yaml.replace("'#/components/messages/heartbeat'", "'https://example.com/x.yaml#/m'");
    expect(problemOf({ text })).toMatch(
      /\$ref https:\/\/example\.com\/x\.yaml#\/m is a URL: wsx reads only local files/,
    );
  });

  it('refuses a payload schema ajv cannot compile, naming its pointer', () => {
    const text = v2Yaml.replace(
      "{ type: array, items: { $ref: '#/components/schemas/ticker' } }",
      "{ $ref: '#/components/schemas/gone' }",
    );
    expect(problemOf({ text })).toMatch(
      /payload schema cannot be compiled: .*gone.* \(at #\/components\/messages\/tickerUpdate\/payload\)/,
    );
  });

  it('refuses a message in a schema format it cannot check', () => {
    const text = v2Yaml.replace(
      'name: heartbeat\n',
      'name: heartbeat\n      schemaFormat: application/vnd.apache.avro;version=1.9.0\n',
    );
    expect(problemOf({ text })).toMatch(/schema format .*avro.* is not JSON Schema/);
  });

  it('reads JSON as well as YAML', () => {
    expect(load({ text: JSON.stringify(v3), url: 'ws://chat.example.com/ws/rooms/7' }).channel).toBe('room');
  });
});

describe('picking the channel', () => {
  it('matches the server path plus a 2.x channel key with a {param}', () => {
    const c = load({});
    expect(c.channel).toBe('/ticker/{pair}');
    expect(c.receives).toEqual(['tickerUpdate', 'heartbeat']);
    expect(c.sends).toEqual(['subscribe']);
  });

  it('matches a local server on another host by its path', () => {
    expect(load({ url: 'ws://127.0.0.1:8080/v1/status' }).channel).toBe('/status');
  });

  it('matches a 3.0 address under the server pathname', () => {
    const c = load({ text: JSON.stringify(v3), url: 'ws://127.0.0.1:9/ws/rooms/42?token=x' });
    expect(c.channel).toBe('room');
    expect(c.receives).toEqual(['said', 'joined']);
    expect(c.sends).toEqual(['post']);
  });

  it('fills in server variables with their defaults (2.x url and 3.0 host and pathname)', () => {
    const text2 = v2Yaml.replace(
      "production: { url: 'wss://api.example.com/v1', protocol: wss }",
      "production: { url: '{scheme}://{host}/{version}', protocol: wss, variables: { scheme: { default: wss }, host: { default: api.example.com }, version: { enum: [v1, v2], default: v2 } } }",
    );
    expect(load({ text: text2, url: 'ws://127.0.0.1/v2/status' }).channel).toBe('/status');
    expect(problemOf({ text: text2, url: 'ws://127.0.0.1/v1/status' })).toMatch(
      /no channel matches \/v1\/status/,
    );
    const doc3 = {
      ...v3,
      servers: {
        local: {
          host: '{region}.example.com',
          pathname: '/{api}',
          protocol: 'ws',
          variables: { api: { default: 'chat' } },
        },
      },
    };
    const c = load({ text: JSON.stringify(doc3), url: 'ws://eu.example.com/chat/rooms/1' });
    expect(c.channel).toBe('room');
  });

  it('lets --channel name a channel by key, even one with no address', () => {
    const c = load({ text: JSON.stringify(v3), url: 'ws://127.0.0.1:9/elsewhere', channel: 'anything' });
    expect(c.receives).toEqual(['any']);
  });

  it('names the channels the document has when none matches', () => {
    expect(problemOf({ text: JSON.stringify(v3), url: 'ws://127.0.0.1/ws/nowhere' })).toBe(
      'api.yaml: no channel matches /ws/nowhere: the document has room (/rooms/{roomId}), lobby (/lobby), anything (choose one with --channel NAME) (at #/channels)',
    );
    expect(problemOf({ channel: 'nope' })).toMatch(
      /no channel nope: the document has \/ticker\/\{pair\}, \/status/,
    );
  });

  it('flips the directions when the document describes the client', () => {
    const c = load({ role: 'client' });
    expect(c.receives).toEqual(['subscribe']);
    expect(c.sends).toEqual(['tickerUpdate', 'heartbeat']);
    const c3 = load({ text: JSON.stringify(v3), url: 'ws://x/ws/rooms/1', role: 'client' });
    expect(c3.sends).toEqual(['said', 'joined']);
  });
});

describe('checking messages', () => {
  it('picks the message by its discriminator and validates against it alone', () => {
    const c = load({});
    expect(c.check('received', '{"event":"ticker","price":1.5}')).toEqual({
      isValid: true,
      message: 'tickerUpdate',
      description: 'A price change',
      errors: [],
    });
    const bad = c.check('received', '{"event":"ticker","price":"high"}');
    expect(bad.isValid).toBe(false);
    expect(bad.message).toBe('tickerUpdate');
    expect(bad.errors[0]).toEqual({ path: '$.price', message: 'must be number (got "high")' });
  });

  it('follows a recursive schema', () => {
    const c = load({});
    expect(
      c.check('received', '{"event":"ticker","price":1,"history":[{"event":"ticker","price":2}]}').isValid,
    ).toBe(true);
    expect(
      c.check('received', '{"event":"ticker","price":1,"history":[{"event":"ticker"}]}').errors[0],
    ).toEqual({
      path: '$.history[0]',
      message: "must have required property 'price'",
    });
  });

  it('reports no match with the closest candidate when the discriminator names none', () => {
    const v = load({}).check('received', '{"event":"trade","price":1}');
    expect(v.isValid).toBe(false);
    expect(v.message).toBe('tickerUpdate');
    expect(v.errors[0]!.path).toBe('$.event');
  });

  it('checks sent messages against what wsx may send', () => {
    const c = load({});
    expect(c.check('sent', '{"event":"subscribe","pair":"BTC"}').isValid).toBe(true);
    expect(c.check('sent', '{"event":"subscribe","pair":"BTC","x":1}').errors[0]).toEqual({
      path: '$',
      message: 'must NOT have additional properties (x)',
    });
  });

  it('reports a message matching several candidates as ambiguous', () => {
    const c = load({ text: JSON.stringify(v3), url: 'ws://x/ws/rooms/1' });
    const v = c.check('received', '{"text":"hi","at":"2026-01-01T00:00:00Z","who":"ann"}');
    expect(v).toMatchObject({ isValid: true, ambiguous: ['said', 'joined'] });
    expect(c.check('received', '{"text":"hi","at":"yesterday"}')).toMatchObject({
      isValid: false,
      message: 'said',
      errors: [{ path: '$.at', message: 'must match format "date-time" (got "yesterday")' }],
    });
  });

  it('checks a non-JSON text as a string value', () => {
    const c = load({ url: 'ws://x/v1/status' });
    expect(c.check('received', 'all good').isValid).toBe(true);
    expect(c.check('received', '{"ok":true}').errors[0]).toEqual({
      path: '$',
      message: 'must be string (got {"ok":true})',
    });
  });

  it('finds nothing to match in a direction the channel declares no message for', () => {
    const v = load({ url: 'ws://x/v1/status' }).check('sent', 'hello');
    expect(v).toEqual({
      isValid: false,
      errors: [{ path: '$', message: 'no message is declared in this direction' }],
    });
  });
});

/** JSON-RPC over one channel: `call` (any method, a generic request), `tick` (a notification), `answer`. */
const rpcYaml = `
asyncapi: 2.6.0
info: { title: Rpc, version: 1.0.0 }
channels:
  /rpc:
    publish:
      message:
        name: call
        payload:
          type: object
          required: [method]
          properties: { method: { type: string }, params: { type: array } }
    subscribe:
      message:
        oneOf:
          - name: tick
            payload:
              type: object
              required: [method, params]
              properties: { method: { const: tick }, params: { type: object, required: [n] } }
          - name: answer
            payload: { type: object, required: [id, result], properties: { result: { type: number } } }
`;

describe('checking JSON-RPC messages (--proto jsonrpc)', () => {
  const rpc = () => load({ text: rpcYaml, url: 'ws://x/rpc', proto: 'jsonrpc' });

  it('lets a generic request message (a method of any name) take any method: valid or invalid, not unknown', () => {
    const v = rpc().check('sent', '{"jsonrpc":"2.0","method":"anything","params":[1],"id":1}');
    expect(v).toMatchObject({ isValid: true, message: 'call' });
    expect(rpc().check('sent', '{"method":"anything","params":{},"id":1}')).toEqual({
      isValid: false,
      message: 'call',
      errors: [{ path: '$.params', message: 'must be array (got {})' }],
    });
  });

  it('checks a notification against the message its method names, its errors its own', () => {
    const v = rpc().check('received', '{"method":"tick","params":{}}');
    expect(v).toMatchObject({
      isValid: false,
      message: 'tick',
      errors: [{ path: '$.params', message: "must have required property 'n'" }],
    });
    expect(v.isClosest).toBeUndefined();
  });

  it('checks an error response against every message when the document names no error message', () => {
    const v = rpc().check('received', '{"id":1,"error":{"code":-1,"message":"no"}}', 'anything');
    expect(v).toMatchObject({ isValid: false, isClosest: true });
    expect(v.isUnknown).toBeUndefined();
  });

  it('picks a Socket.IO event by the message key or messageId as well as its name', () => {
    const doc = rpcYaml
      .replace('- name: tick', '- messageId: tickId\n            name: tick')
      .replace('/rpc:', '/socket.io/:');
    const c = load({ text: doc, url: 'ws://x/socket.io/', proto: 'socketio' });
    const v = c.check('received', '["tickId",{"method":"tick","params":{}}]');
    expect(v).toMatchObject({ isValid: false, message: 'tick', errors: [{ path: '$.params' }] });
    // Picked by its messageId, not the closest of every candidate.
    expect(v.isClosest).toBeUndefined();
  });
});

describe('checking a JSON-RPC batch wsx sends', () => {
  const rpc = () => load({ text: rpcYaml, url: 'ws://x/rpc', proto: 'jsonrpc' });

  it('checks each request on its own and names the one that breaks the document by its index', () => {
    expect(
      rpc().check('sent', '[{"method":"a","params":[1],"id":1},{"method":"b","params":[],"id":2}]'),
    ).toEqual({
      isValid: true,
      message: 'call, call',
      errors: [],
    });
    expect(
      rpc().check('sent', '[{"method":"a","params":[1],"id":1},{"method":"b","params":{},"id":2}]'),
    ).toMatchObject({
      isValid: false,
      message: 'call',
      errors: [{ path: '$[1].params', message: 'must be array (got {})' }],
    });
  });
});
