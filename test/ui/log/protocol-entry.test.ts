import { describe, expect, it } from 'vitest';
import type { ProtocolMessage } from '../../../src/protocols/codec.js';
import { decodedEntry, summarise } from '../../../src/ui/log/protocol-entry.js';
import { entryRow, inspectLines } from '../../../src/ui/log/entry-rows.js';
import { entryText } from '../../../src/ui/log/log-entry.js';
import { stripAnsi } from '../../helpers/ink.js';

const frame = { data: Buffer.from(''), isBinary: false, receivedAt: 0, seq: 1 };
const msg = (m: Omit<ProtocolMessage, 'frame' | 'text'> & { text?: string }): ProtocolMessage => ({
  text: JSON.stringify(m.json),
  frame,
  ...m,
});

describe('decoded protocol entries', () => {
  it('summarise each kind of message in one line', () => {
    expect(summarise(msg({ kind: 'event', json: ['chat message', 'hi', { n: 1 }] }))).toBe(
      'chat message "hi" {"n":1}',
    );
    expect(summarise(msg({ kind: 'event', id: 4, json: ['q'] }))).toBe('q (asks for ack 4)');
    expect(summarise(msg({ kind: 'ack', id: 0, json: { ack: 0, event: 'add', args: [5] } }))).toBe(
      'ack #0 (add) 5',
    );
    expect(
      summarise(msg({ kind: 'response', id: 1, json: { jsonrpc: '2.0', id: 1, result: { x: 5 } } })),
    ).toBe('#1 {"x":5}');
    expect(
      summarise(
        msg({ kind: 'error', id: 2, json: { id: 2, error: { code: -32601, message: 'Method not found' } } }),
      ),
    ).toBe('#2 error -32601: Method not found');
    expect(summarise(msg({ kind: 'error', id: '3', json: { errors: [{ message: 'bad' }] } }))).toBe(
      '#3 error [{"message":"bad"}]',
    );
    expect(
      summarise(msg({ kind: 'notification', json: { method: 'eth_subscription', params: { result: 1 } } })),
    ).toBe('eth_subscription {"result":1}');
    expect(summarise(msg({ kind: 'next', id: '1', json: { data: { n: 1 } } }))).toBe('#1 {"data":{"n":1}}');
    expect(summarise(msg({ kind: 'complete', id: '1', text: '' }))).toBe('#1 complete');
    // A server sending something else than the expected shape: its JSON, never a crash.
    expect(summarise(msg({ kind: 'event', json: { not: 'an array' } }))).toBe('{"not":"an array"}');
  });

  it('keep the JSON line for filters, copy and the inspector, and show the round trip on the row', () => {
    const entry = decodedEntry(
      msg({ kind: 'response', id: 1, rttMs: 12, json: { jsonrpc: '2.0', id: 1, result: 5 } }),
      0,
    );
    expect(entryText(entry)).toBe('{"jsonrpc":"2.0","id":1,"result":5}');
    expect(stripAnsi(entryRow(entry, { showTimestamps: false, isPretty: false }))).toBe('⇠ #1 5  12 ms');
    const inspected = inspectLines(entry).map(stripAnsi);
    expect(inspected[0]).toMatch(/^decoded message at .*, round trip 12 ms$/);
    expect(inspected.slice(1)).toEqual(['{', '  "jsonrpc": "2.0",', '  "id": 1,', '  "result": 5', '}']);
  });

  it('escape hostile text from the server in the summary', () => {
    const entry = decodedEntry(msg({ kind: 'event', json: ['x\u001b[2J'] }), 0);
    expect(entryRow(entry, { showTimestamps: false, isPretty: false })).not.toContain('\u001b[2J');
  });
});

describe('decoded entry summaries from the received text', () => {
  const big = '9007199254740993';
  const deep = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
  const of = (kind: ProtocolMessage['kind'], text: string, id?: number) =>
    summarise({ kind, text, json: JSON.parse(text) as unknown, frame, ...(id === undefined ? {} : { id }) });

  it('show numbers as the server wrote them and JSON nested 5,000 deep without overflowing', () => {
    expect(of('event', `["tick",${big},1.10]`)).toBe(`tick ${big} 1.10`);
    expect(of('ack', `{"ack":0,"event":"add","args":[${big}]}`, 0)).toBe(`ack #0 (add) ${big}`);
    expect(of('response', `{"jsonrpc":"2.0","id":1,"result":{"n":${big}}}`, 1)).toBe(`#1 {"n":${big}}`);
    expect(of('error', `{"id":2,"error":{"code":-32000,"message":"x","data":${big}}}`, 2)).toBe(
      `#2 error -32000: x ${big}`,
    );
    expect(of('notification', `{"method":"m","params":[1.10]}`)).toBe('m [1.10]');
    expect(of('event', `["deep",${deep}]`)).toBe(`deep ${deep}`);
    expect(of('response', `{"id":1,"result":${deep}}`, 1)).toBe(`#1 ${deep}`);
  });
});
