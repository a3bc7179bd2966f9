// /send, /save and /saved in the session: parsed, run against a real MessageStore in a temporary config, and
// sent over a real loopback connection.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { MessageStore } from '../../src/config/messages.js';
import { Connection } from '../../src/core/connection.js';
import { renderApp } from '../helpers/app.js';
import { SessionStore } from '../../src/ui/session/session-store.js';
import { parseCommand } from '../../src/ui/commands/slash-commands.js';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { stateReached } from '../helpers/connection.js';
import { waitForOutput } from '../helpers/ink.js';
import { until } from '../helpers/servers.js';

const defer = cleanupAfterEach();

describe('parsing /send, /save and /saved', () => {
  it.each([
    ['/send hello', { type: 'sendSaved', name: 'hello', vars: {} }],
    [
      '/send sub topic=news user=ann',
      { type: 'sendSaved', name: 'sub', vars: { topic: 'news', user: 'ann' } },
    ],
    ['/send q a=b=c', { type: 'sendSaved', name: 'q', vars: { a: 'b=c' } }],
    ['/save hello', { type: 'save', name: 'hello' }],
    ['/saved', { type: 'saved' }],
  ])('%j → %j', (line, expected) => expect(parseCommand(line)).toEqual(expected));

  it.each([
    ['/send', '/send: give a saved message name'],
    ['/send hello topic', '"topic" is not name=value'],
    ['/save', '/save: give one name'],
    ['/save two names', '/save: give one name'],
  ])('%j is refused with a hint', (line, text) => {
    const cmd = parseCommand(line);
    expect(cmd.type === 'invalid' && cmd.message).toContain(text);
  });
});

/** A config with a profile "prod" and its messages, in a fresh directory. */
function configWithProfile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wsx-saved-'));
  const file = join(dir, 'wsx', 'config.json');
  mkdirSync(join(dir, 'wsx'));
  writeFileSync(
    file,
    JSON.stringify({
      profiles: {
        prod: {
          url: 'ws://x',
          vars: { user: 'ann' },
          messages: {
            hello: '{"op":"hello","user":"{{user}}"}',
            login: '{"op":"login","token":"{{env.LOGIN_TOKEN}}"}',
          },
        },
      },
      messages: { sub: '{"sub":"{{topic}}"}' },
    }),
  );
  return file;
}

async function mount(configFile: string) {
  const server = await serverUntilCleanup(defer, { mode: 'echo' });
  const conn = new Connection({ url: server.url, heartbeat: false, reconnect: { enabled: false } });
  const store = new SessionStore(conn, { showPingPong: false, flushMs: 5 });
  const messages = MessageStore.load({ configFile, profile: 'prod' });
  const instance = renderApp(defer, { conn, store, messages });
  await stateReached(conn, 'open');
  return { server, instance };
}

describe('saved messages in the session', () => {
  it('/send fills in the templates and sends; a missing variable is named and nothing is sent', async () => {
    const { server, instance } = await mount(configWithProfile());
    instance.stdin.write('/send hello\r');
    await until(
      () => server.received.length === 1,
      2000,
      () => `received ${JSON.stringify(server.received)}`,
    );
    expect(server.received).toEqual(['{"op":"hello","user":"ann"}']);
    instance.stdin.write('/send sub\r');
    await waitForOutput(instance, '/send: message "sub": no value for {{topic}}');
    instance.stdin.write('/send sub topic=news\r');
    await until(
      () => server.received.length === 2,
      2000,
      () => `received ${JSON.stringify(server.received)}`,
    );
    expect(server.received[1]).toBe('{"sub":"news"}');
  });

  it('Tab completes a saved name after /send', async () => {
    const { server, instance } = await mount(configWithProfile());
    instance.stdin.write('/send he');
    await waitForOutput(instance, '/send he');
    instance.stdin.write('\t');
    await waitForOutput(instance, '/send hello');
    instance.stdin.write('\r');
    await until(
      () => server.received.length === 1,
      2000,
      () => `received ${JSON.stringify(server.received)}`,
    );
    expect(server.received).toEqual(['{"op":"hello","user":"ann"}']);
  });

  it('/save after /send keeps the saved text with its references, never the filled-in secret', async () => {
    const token = 'SECRETMARK-login-t0ken';
    vi.stubEnv('LOGIN_TOKEN', token);
    defer(() => void vi.unstubAllEnvs());
    const file = configWithProfile();
    const { server, instance } = await mount(file);
    instance.stdin.write('/send login\r');
    await until(
      () => server.received.length === 1,
      2000,
      () => `received ${JSON.stringify(server.received)}`,
    );
    expect(server.received).toEqual([`{"op":"login","token":"${token}"}`]);
    instance.stdin.write('/save leak\r');
    await waitForOutput(instance, 'saved leak (profile)');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(token);
    const saved = JSON.parse(text) as { profiles: { prod: { messages: Record<string, string> } } };
    expect(saved.profiles.prod.messages.leak).toBe('{"op":"login","token":"{{env.LOGIN_TOKEN}}"}');
  });

  it('/save keeps the last message sent in the profile, and /saved lists it', async () => {
    const file = configWithProfile();
    const { server, instance } = await mount(file);
    instance.stdin.write('/save early\r');
    await waitForOutput(instance, '/save: nothing sent yet');
    instance.stdin.write('{"op":"bye"}\r');
    instance.stdin.write('/save bye\r');
    await waitForOutput(instance, 'saved bye (profile)');
    expect(server.received).toEqual(['{"op":"bye"}']);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as {
      profiles: { prod: { messages: Record<string, string> } };
    };
    expect(saved.profiles.prod.messages.bye).toBe('{"op":"bye"}');
    instance.stdin.write('/saved\r');
    const out = await waitForOutput(instance, 'sub    global');
    expect(out).toContain('bye    profile  {"op":"bye"}');
    expect(out).toContain('hello  profile  {"op":"hello","user":"{{user}}"}');
  });
});
