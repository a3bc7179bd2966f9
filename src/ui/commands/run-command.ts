// Carries out a parsed slash command (or a plain message) against the connection; App only wires it up.

import { expandHome } from '../../config/paths.js';
import type { Connection } from '../../core/connection.js';
import { LocalFileError, readLocalFile } from '../../text/local-file.js';
import { commandHelp, type Command } from './slash-commands.js';

/** The saved messages a session can send and save (config/messages.ts's MessageStore fits). */
export interface SavedMessages {
  list(): { name: string; text: string; source: string }[];
  /** The message with its placeholders filled in; throws an Error saying what is missing. */
  render(name: string, env: NodeJS.ProcessEnv, vars?: Record<string, string>): string;
  save(name: string, text: string): { source: string };
}

export interface CommandContext {
  conn: Connection;
  /**
   * Sends a message with the session's typed-message deadline. `savedText` is what /save keeps for it: a
   * saved message's text with its {{env.NAME}} references, never the filled-in values (they may be secrets).
   */
  send: (data: string | Buffer, isBinary: boolean, savedText?: string) => void;
  /** Adds a line from wsx itself to the log. */
  info: (text: string) => void;
  togglePretty: () => void;
  toggleTimestamps: () => void;
  clear: () => void;
  /** Saved messages for /send, /save and /saved; absent, those commands say they are unavailable. */
  messages?: SavedMessages;
  /** The last text message sent, for /save. */
  lastSent?: () => string | undefined;
  /** For {{env.NAME}} in saved messages and `~` in /file ($HOME); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

/** One line per saved message: name, where it is saved, and the start of its text. */
function describeSaved(messages: SavedMessages): string {
  const all = messages.list();
  if (all.length === 0) return 'no saved messages yet: send one, then /save NAME';
  const width = Math.max(...all.map((m) => m.name.length));
  return all
    .map((m) => {
      const text = m.text.replace(/\s+/g, ' ');
      return `${m.name.padEnd(width)}  ${m.source.padEnd(7)}  ${text.length > 60 ? `${text.slice(0, 59)}…` : text}`;
    })
    .join('\n');
}

function runSaved(
  ctx: CommandContext,
  command: Extract<Command, { type: 'sendSaved' | 'save' | 'saved' }>,
): void {
  const messages = ctx.messages;
  if (!messages) return ctx.info('saved messages are not available in this session');
  try {
    switch (command.type) {
      case 'saved':
        return ctx.info(describeSaved(messages));
      case 'sendSaved': {
        const rendered = messages.render(command.name, ctx.env ?? process.env, command.vars);
        const template = messages.list().find((m) => m.name === command.name)?.text;
        return ctx.send(rendered, false, template);
      }
      case 'save': {
        const last = ctx.lastSent?.();
        if (last === undefined) return ctx.info('/save: nothing sent yet');
        const { source } = messages.save(command.name, last);
        return ctx.info(`saved ${command.name} (${source})`);
      }
    }
  } catch (err) {
    ctx.info(`/${command.type === 'sendSaved' ? 'send' : command.type}: ${(err as Error).message}`);
  }
}

/** 64 MiB, the default --max-message-size (cli/program.ts). */
const maxFileMessageBytes = 64 * 1024 * 1024;

function sendFile(ctx: CommandContext, path: string): void {
  let data: Buffer;
  try {
    // The shared reader: a device such as /dev/zero or a FIFO would otherwise fill memory or hang the session.
    // The cap is the default --max-message-size: a message may be that big, a scenario or a secret may not.
    data = readLocalFile(expandHome(path, ctx.env ?? process.env), maxFileMessageBytes);
  } catch (err) {
    ctx.info(`/file: cannot read ${path}: ${err instanceof LocalFileError ? err.reason : String(err)}`);
    return;
  }
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    text = undefined;
  }
  ctx.send(text ?? data, text === undefined);
}

export function runCommand(ctx: CommandContext, command: Command): void {
  switch (command.type) {
    case 'send':
      return ctx.send(command.text, false);
    case 'binary':
      return ctx.send(command.data, true);
    case 'ping':
      try {
        ctx.conn.ping(command.data);
        ctx.info('ping sent');
      } catch (err) {
        ctx.info((err as Error).message);
      }
      return;
    case 'close':
      void ctx.conn.close(command.code, command.reason);
      return;
    case 'reconnect':
      ctx.info('reconnecting now');
      ctx.conn.reconnect();
      return;
    case 'file':
      sendFile(ctx, command.path);
      return;
    case 'pretty':
      return ctx.togglePretty();
    case 'timestamps':
      return ctx.toggleTimestamps();
    case 'clear':
      return ctx.clear();
    case 'help':
      ctx.info(commandHelp.map(([name, what]) => `${name.padEnd(24)} ${what}`).join('\n'));
      return;
    case 'quit':
      void ctx.conn.close(1000);
      return;
    case 'invalid':
      ctx.info(command.message);
      return;
    case 'sendSaved':
    case 'save':
    case 'saved':
      return runSaved(ctx, command);
  }
}
