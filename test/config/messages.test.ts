// Saved messages: templates, the three places they come from and which one wins, and saving.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageStore, renderTemplate } from '../../src/config/messages.js';

describe('renderTemplate', () => {
  it('fills {{var}} from vars and {{env.NAME}} from the environment, spaces allowed', () => {
    expect(renderTemplate('{"user":"{{ user }}","key":"{{env.K}}"}', { user: 'ann' }, { K: 'k1' })).toBe(
      '{"user":"ann","key":"k1"}',
    );
  });

  it('names every placeholder without a value and fills in nothing', () => {
    expect(() => renderTemplate('{{a}} {{ b }} {{env.NOPE}} {{a}}', {}, {})).toThrow(
      'no value for {{a}}, {{b}}, {{env.NOPE}}',
    );
  });

  it('does not take inherited properties as values', () => {
    expect(() => renderTemplate('{{constructor}}', {}, {})).toThrow('no value for {{constructor}}');
  });
});

/** A config file and a project file in a fresh directory. */
function files(config: object, project?: object): { configFile: string; projectFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wsx-messages-'));
  const configFile = join(dir, 'config', 'wsx', 'config.json');
  const projectFile = join(dir, 'wsx.json');
  writeConfigText(configFile, config);
  if (project) writeFileSync(projectFile, JSON.stringify(project));
  return { configFile, projectFile };
}

function writeConfigText(path: string, value: object): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2));
}

const config = {
  profiles: {
    prod: {
      url: 'ws://x',
      vars: { user: 'prod-user' },
      messages: { hello: '{"op":"hello","user":"{{user}}","region":"{{region}}"}' },
    },
  },
  messages: { hello: 'global hello', ping: '{"op":"ping"}', sub: '{"sub":"{{topic}}"}' },
  vars: { user: 'global-user', region: 'eu' },
};
const project = { messages: { ping: 'project ping', team: 'team message' }, vars: { region: 'us' } };

describe('MessageStore', () => {
  it('lists messages by name; the profile shadows the project, which shadows the global ones', () => {
    const store = MessageStore.load({ ...files(config, project), profile: 'prod' });
    expect(store.list().map((m) => [m.name, m.source])).toEqual([
      ['hello', 'profile'],
      ['ping', 'project'],
      ['sub', 'global'],
      ['team', 'project'],
    ]);
    expect(store.get('ping')?.text).toBe('project ping');
    expect(store.complete('p')).toEqual(['ping']);
  });

  it('without a profile sees the project and global messages only', () => {
    const store = MessageStore.load(files(config, project));
    expect(store.get('hello')).toEqual({ name: 'hello', text: 'global hello', source: 'global' });
  });

  it('renders with vars nearest first: given, profile, project, global', () => {
    const store = MessageStore.load({ ...files(config, project), profile: 'prod' });
    expect(store.render('hello', {})).toBe('{"op":"hello","user":"prod-user","region":"us"}');
    expect(store.render('hello', {}, { user: 'typed' })).toBe('{"op":"hello","user":"typed","region":"us"}');
    expect(() => store.render('sub', {})).toThrow('message "sub": no value for {{topic}}');
    expect(() => store.render('nope', {})).toThrow('no saved message "nope"');
  });

  it('saves into the profile in use, keeping what another process wrote meanwhile', () => {
    const paths = files(config, project);
    const store = MessageStore.load({ ...paths, profile: 'prod' });
    const edited = JSON.parse(readFileSync(paths.configFile, 'utf8')) as typeof config & {
      vars: Record<string, string>;
    };
    edited.vars = { ...edited.vars, added: 'meanwhile' };
    writeFileSync(paths.configFile, JSON.stringify(edited));
    expect(store.save('bye', '{"op":"bye"}')).toEqual({
      name: 'bye',
      text: '{"op":"bye"}',
      source: 'profile',
    });
    const saved = JSON.parse(readFileSync(paths.configFile, 'utf8')) as typeof edited;
    expect(saved.profiles.prod.messages).toEqual({ ...config.profiles.prod.messages, bye: '{"op":"bye"}' });
    expect(saved.vars).toEqual({ ...config.vars, added: 'meanwhile' });
    expect(store.get('bye')?.source).toBe('profile');
    expect(JSON.parse(readFileSync(paths.projectFile, 'utf8'))).toEqual(project);
  });

  it('saves among the global messages without a profile, creating the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsx-messages-'));
    const configFile = join(dir, 'wsx', 'config.json');
    const store = MessageStore.load({ configFile });
    store.save('hi', 'hello {{name}}');
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({ messages: { hi: 'hello {{name}}' } });
    expect(() => store.save('no spaces', 'x')).toThrow('"no spaces" is not a message name');
  });

  it('refuses to load with a malformed project file, naming its line', () => {
    const paths = files(config);
    writeFileSync(paths.projectFile, '{\n  "messages": {\n    "a": 1\n  }\n}\n');
    expect(() => MessageStore.load(paths)).toThrow(`${paths.projectFile}:3: messages.a: expected a string`);
  });

  it('refuses a profile the config does not have', () => {
    expect(() => MessageStore.load({ ...files(config), profile: 'nope' })).toThrow('no profile "nope"');
  });
});
