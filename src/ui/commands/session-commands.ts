// The command context of a session: how a typed line or a command reaches the connection (as text, as
// --binary bytes, or through the --proto codec) and what the toggles do. Built per render; no Ink in here.

import type { Contract } from '../../contract/index.js';
import type { Connection } from '../../core/connection.js';
import { describeMark, markOf } from '../log/contract-mark.js';
import { isInputError } from '../../protocols/codec.js';
import type { ProtocolSession } from '../../protocols/session.js';
import type { FormatOptions } from '../log/log-entry.js';
import type { SessionStore } from '../session/session-store.js';
import type { CommandContext, SavedMessages } from './run-command.js';

/** A typed line as the bytes --binary sends, or undefined when it is not valid `format`. */
export function typedBytes(line: string, format: 'raw' | 'hex' | 'base64'): Buffer | undefined {
  if (format === 'raw') return Buffer.from(line);
  const text = line.trim();
  const valid = format === 'hex' ? /^(?:[0-9a-f]{2})*$/i : /^[A-Za-z0-9+/]*={0,2}$/;
  return valid.test(text) ? Buffer.from(text, format) : undefined;
}

export interface SessionCommandDeps {
  conn: Connection;
  store: SessionStore;
  proto: ProtocolSession | undefined;
  /** Deadline for typed messages, ms. */
  dropAfterMs: number;
  binaryInput: 'raw' | 'hex' | 'base64' | undefined;
  messages: SavedMessages | undefined;
  format: FormatOptions;
  setFormat: (change: (f: FormatOptions) => FormatOptions) => void;
  /** The last text message sent, kept across renders for /save. */
  lastSent: { current: string | undefined };
  /** Clears what --inline printed (the lens clears its buffer instead). */
  clearScreen: () => void;
  /** --asyncapi: a typed message that breaks the document is held back once (`warnedText` remembers it). */
  contract?: Contract;
  warnedText?: { current: string | undefined };
}

export function sessionCommands(deps: SessionCommandDeps): CommandContext {
  const { conn, store, proto, dropAfterMs, binaryInput, lastSent } = deps;
  const info = (text: string) => store.add({ kind: 'info', at: Date.now(), text });

  /** A line through the --proto codec: logged as typed; a line the protocol cannot send is an info line. */
  const sendThrough = (session: ProtocolSession, data: string | Buffer, isBinary: boolean) => {
    if (isBinary) {
      info(`binary messages do not go with --proto ${session.codec.name}: its messages are JSON lines`);
      return;
    }
    const line = data.toString();
    try {
      session.input(line);
    } catch (err) {
      if (!isInputError(err)) throw err;
      info(`not sent: ${err.message}`);
      return;
    }
    store.add({ kind: 'sent', at: Date.now(), data: line, isBinary: false });
  };

  return {
    conn,
    info,
    ...(deps.messages ? { messages: deps.messages } : {}),
    lastSent: () => lastSent.current,
    send: (data, isBinary, savedText) => {
      const { contract, warnedText } = deps;
      if (contract && warnedText && !isBinary && typeof data === 'string' && data !== warnedText.current) {
        const mark = markOf(contract, 'sent', data, false);
        if (mark.verdict === 'invalid') {
          // Held back once: the same line again (↑, Enter) goes out, for testing how the server copes.
          warnedText.current = data;
          info(`not sent: ${describeMark(mark)} (↑ and Enter send it anyway)`);
          return;
        }
      }
      if (warnedText) warnedText.current = undefined;
      // --binary: text goes out as a binary frame (a --proto codec speaks text: it keeps its lines).
      if (binaryInput && !proto && !isBinary && typeof data === 'string') {
        const bytes = typedBytes(data, binaryInput);
        if (!bytes) {
          info(`not sent: ${JSON.stringify(data.slice(0, 40))} is not ${binaryInput} (--input-format)`);
          return;
        }
        lastSent.current = savedText ?? data;
        conn.send(bytes, { deadlineMs: dropAfterMs, binary: true });
        store.refresh();
        return;
      }
      if (proto) sendThrough(proto, data, isBinary);
      else conn.send(data, { deadlineMs: dropAfterMs, binary: isBinary });
      if (typeof data === 'string') lastSent.current = savedText ?? data;
      store.refresh();
    },
    togglePretty: () => {
      deps.setFormat((f) => ({ ...f, isPretty: !f.isPretty }));
      info(`pretty JSON ${deps.format.isPretty ? 'off' : 'on'}`);
    },
    toggleTimestamps: () => {
      deps.setFormat((f) => ({ ...f, showTimestamps: !f.showTimestamps }));
      info(`timestamps ${deps.format.showTimestamps ? 'off' : 'on'}`);
    },
    clear: () => (store.log ? store.clearLog() : deps.clearScreen()),
  };
}
