import { describe, expect, it } from 'vitest';
import type { Options } from '../../src/options.js';
import { decodeRecord, recordFormat, type DecodedRecord } from '../../src/modes/pipe-records.js';
import { tooLarge } from '../../src/text/record-splitter.js';

/** The format for these few options; the rest of Options does not concern records. */
function format(opts: {
  isBinaryInput?: boolean;
  inputFormat?: Options['inputFormat'];
  recordEnd?: Options['recordEnd'];
  maxPayloadBytes?: number;
}) {
  return recordFormat({
    isBinaryInput: opts.isBinaryInput ?? false,
    inputFormat: opts.inputFormat ?? 'raw',
    recordEnd: opts.recordEnd ?? 'none',
    connection: {
      url: 'ws://127.0.0.1:1/',
      ...(opts.maxPayloadBytes ? { maxPayloadBytes: opts.maxPayloadBytes } : {}),
    },
  } as Options);
}

function data(decoded: DecodedRecord): Buffer {
  if ('problem' in decoded) throw new Error(`refused: ${decoded.problem}`);
  return decoded.data;
}

describe('decodeRecord', () => {
  it('sends a text record as the bytes it is', () => {
    const record = Buffer.from('héllo');
    expect(data(decodeRecord(record, 1, format({})))).toBe(record);
  });

  it('refuses invalid UTF-8 in text mode, naming the record and --binary', () => {
    const decoded = decodeRecord(Buffer.from([0x68, 0xff]), 3, format({}));
    expect(decoded).toEqual({
      problem: 'stdin record 3 is not valid UTF-8; not sent (use --binary to send bytes as they are)',
    });
  });

  it('sends invalid UTF-8 as it is with --binary', () => {
    expect([...data(decodeRecord(Buffer.from([0xff, 0]), 1, format({ isBinaryInput: true })))]).toEqual([
      0xff, 0,
    ]);
  });

  it('decodes hex and base64 records, surrounding blanks ignored', () => {
    const hex = format({ isBinaryInput: true, inputFormat: 'hex' });
    expect(data(decodeRecord(Buffer.from(' 68690a '), 1, hex)).toString()).toBe('hi\n');
    const base64 = format({ isBinaryInput: true, inputFormat: 'base64' });
    expect(data(decodeRecord(Buffer.from('aGk='), 1, base64)).toString()).toBe('hi');
  });

  it('refuses a record that is not in --input-format instead of skipping it', () => {
    const decoded = decodeRecord(Buffer.from('6g'), 2, format({ isBinaryInput: true, inputFormat: 'hex' }));
    expect(decoded).toEqual({ problem: 'stdin record 2 is not hex; not sent (check --input-format)' });
  });

  it('refuses a record over --max-message-size, before decoding (tooLarge) and after', () => {
    const small = format({ isBinaryInput: true, inputFormat: 'hex', maxPayloadBytes: 2 });
    const why =
      'stdin record 4 is larger than --max-message-size (2 bytes); not sent (raise --max-message-size)';
    expect(decodeRecord(tooLarge, 4, small)).toEqual({ problem: why });
    expect(decodeRecord(Buffer.from('616263'), 4, small)).toEqual({ problem: why });
    expect(data(decodeRecord(Buffer.from('6162'), 4, small)).toString()).toBe('ab');
  });

  it('appends --record-end, which counts towards --max-message-size', () => {
    const crlf = format({ recordEnd: 'crlf', maxPayloadBytes: 10 });
    expect(data(decodeRecord(Buffer.from('hi'), 1, crlf)).toString()).toBe('hi\r\n');
    expect(crlf.maxBodyBytes).toBe(8);
    expect(crlf.maxRecordBytes).toBe(8);
  });

  it('lets an encoded record be longer than its message: hex twice, base64 a third more', () => {
    expect(format({ isBinaryInput: true, inputFormat: 'hex', maxPayloadBytes: 6 }).maxRecordBytes).toBe(12);
    expect(format({ isBinaryInput: true, inputFormat: 'base64', maxPayloadBytes: 6 }).maxRecordBytes).toBe(8);
    expect(format({}).maxMessageBytes).toBe(64 * 1024 * 1024);
  });
});
