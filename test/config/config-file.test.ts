// The config file: validated whole, every mistake reported as FILE:LINE: problem, written back diff-friendly.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  emptyConfig,
  findProfile,
  parseConfig,
  readConfig,
  type Config,
} from '../../src/config/config-file.js';
import { writeConfig } from '../../src/config/config-write.js';
import { configFile, expandHome, projectFile } from '../../src/config/paths.js';
import { WsxError } from '../../src/core/errors.js';

const file = '/home/u/.config/wsx/config.json';

/** The message of the WsxError parseConfig throws for `text`. */
function problem(text: string, opts?: { isProjectFile?: boolean }): string {
  try {
    parseConfig(text, file, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(WsxError);
    expect((err as WsxError).kind).toBe('invalid-option');
    return (err as WsxError).message;
  }
  throw new Error('parseConfig accepted it');
}

const lines = (...l: string[]) => l.join('\n');

describe('parseConfig', () => {
  it('reads profiles, global messages and vars', () => {
    const config = parseConfig(
      JSON.stringify({
        profiles: {
          prod: {
            url: 'wss://api.example.com/ws',
            headers: { 'X-Team': 'core', 'X-Api-Key': 'env:API_KEY' },
            bearer: 'env:API_TOKEN',
            subprotocols: ['v1'],
            proto: 'jsonrpc',
            tls: { ca: '/etc/ca.pem', passphrase: 'file:~/.pass', insecure: false },
            proxy: false,
            reconnect: true,
            maxRetries: 5,
            pingInterval: '0',
            pingTimeout: '5s',
            maxMessageSize: '1M',
            messages: { hello: '{"op":"hello","user":"{{user}}"}' },
            vars: { user: 'ann' },
          },
        },
        messages: { ping: '{"op":"ping"}' },
        vars: { region: 'eu' },
      }),
      file,
    );
    expect(config.profiles.prod?.bearer).toBe('env:API_TOKEN');
    expect(config.profiles.prod?.messages).toEqual({ hello: '{"op":"hello","user":"{{user}}"}' });
    expect(config.messages).toEqual({ ping: '{"op":"ping"}' });
    expect(config.vars).toEqual({ region: 'eu' });
  });

  it('fills in missing sections of an empty object', () => {
    expect(parseConfig('{}', file)).toEqual(emptyConfig());
  });

  it('names the file and line of a JSON syntax error Node gives a position for', () => {
    const text = lines('{', '  "profiles": {', '    "a": { "url": "ws://x", }', '  }', '}');
    expect(problem(text)).toBe(`${file}:3: not valid JSON: Expected double-quoted property name`);
  });

  it('finds the line of a syntax error whose message has no position (Unexpected token)', () => {
    const text = lines(
      '{',
      '  "profiles": {',
      '    "a": {',
      '      "subprotocols": ["a",,"b"],',
      '    }',
      '  }',
      '}',
    );
    expect(problem(text)).toBe(`${file}:4: not valid JSON: Unexpected token ','`);
  });

  it('puts an early end of the file on its last line', () => {
    expect(problem(lines('{', '  "profiles": {', '    "a": { "url": "ws://x" }'))).toMatch(
      /:3: not valid JSON/,
    );
  });

  it('names the line and setting of a bad duration', () => {
    const text = lines(
      '{',
      '  "profiles": {',
      '    "a": {',
      '      "url": "ws://x",',
      '      "pingTimeout": "3x"',
      '    }',
      '  }',
      '}',
    );
    expect(problem(text)).toBe(
      `${file}:5: profiles.a.pingTimeout: "3x" is not a duration (use e.g. 500ms, 5s, 2m)`,
    );
  });

  it('refuses an unknown field, so a typo is not silently ignored', () => {
    const text = lines(
      '{',
      '  "profiles": {',
      '    "a": { "url": "ws://x",',
      '      "pingIntervl": "5s" }',
      '  }',
      '}',
    );
    expect(problem(text)).toMatch(/:4: profiles\.a\.pingIntervl: unknown field "pingIntervl" \(known: url, /);
  });

  it('refuses a literal secret where only a reference may stand', () => {
    const text = lines('{ "profiles": {', '  "a": { "url": "ws://x",', '    "bearer": "abc123" } } }');
    expect(problem(text)).toBe(
      `${file}:3: profiles.a.bearer: secrets are never stored in the config: write env:VARIABLE or file:PATH`,
    );
    expect(problem('{ "profiles": { "a": { "url": "ws://x", "tls": { "passphrase": "pw" } } } }')).toMatch(
      /profiles\.a\.tls\.passphrase: secrets are never stored/,
    );
  });

  it('refuses a profile without a URL, a bad name, a wrong type and a bad size', () => {
    expect(problem('{ "profiles": { "a": { "headers": {} } } }')).toMatch(/profiles\.a: "url" is missing/);
    expect(problem('{ "profiles": { "a b": { "url": "ws://x" } } }')).toMatch(/"a b" is not a profile name/);
    expect(problem('{ "profiles": { "a": { "url": "ws://x", "reconnect": "yes" } } }')).toMatch(
      /profiles\.a\.reconnect: expected true or false/,
    );
    expect(problem('{ "profiles": { "a": { "url": "ws://x", "maxMessageSize": "lots" } } }')).toMatch(
      /"lots" is not a size/,
    );
    expect(problem('{ "messages": { "hello": 1 } }')).toMatch(/messages\.hello: expected a string/);
    expect(problem('[]')).toBe(`${file}:1: expected an object`);
  });

  it('takes field names as own keys only: inherited names are unknown fields with file, line and path', () => {
    for (const name of ['valueOf', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const text = lines('{ "profiles": {', '  "a": { "url": "ws://x",', `    "${name}": "5s" } } }`);
      expect(problem(text)).toMatch(
        new RegExp(`^${file}:3: profiles\\.a\\.${name}: unknown field "${name}"`),
      );
      expect(problem(`{ "${name}": {} }`)).toMatch(new RegExp(`^${file}:1: ${name}: unknown field`));
      expect(problem(`{ "profiles": { "a": { "url": "ws://x", "tls": { "${name}": true } } } }`)).toMatch(
        /profiles\.a\.tls\..*: unknown field/,
      );
    }
    // A required field is an own key too: an inherited "url" does not count.
    expect(problem('{ "profiles": { "a": { "__proto__": { "url": "ws://x" } } } }')).toMatch(
      /profiles\.a: "url" is missing|unknown field "__proto__"/,
    );
  });

  it('refuses "__proto__" as a profile or message name', () => {
    expect(problem('{ "profiles": { "__proto__": { "url": "ws://x" } } }')).toMatch(
      /"__proto__" is not a profile name/,
    );
    expect(problem('{ "messages": { "__proto__": "hi" } }')).toMatch(/"__proto__" is not a name/);
  });

  it('keeps profiles out of a project file, which holds only messages and vars', () => {
    expect(problem('{ "profiles": {} }', { isProjectFile: true })).toMatch(/unknown field "profiles"/);
    expect(parseConfig('{ "messages": { "hi": "hello" } }', file, { isProjectFile: true }).messages).toEqual({
      hi: 'hello',
    });
  });
});

describe('config files on disk', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'wsx-config-'));

  it('reads a missing file as an empty config', () => {
    expect(readConfig(join(dir(), 'nope', 'config.json'))).toEqual(emptyConfig());
  });

  it('writes 2-space JSON ending in a newline, without empty sections, and reads it back the same', () => {
    const path = join(dir(), 'wsx', 'config.json');
    const config: Config = { profiles: { a: { url: 'ws://x/', bearer: 'env:T' } }, messages: {}, vars: {} };
    writeConfig(path, config);
    expect(readFileSync(path, 'utf8')).toBe(
      '{\n  "profiles": {\n    "a": {\n      "url": "ws://x/",\n      "bearer": "env:T"\n    }\n  }\n}\n',
    );
    expect(readConfig(path)).toEqual(config);
  });

  it('findProfile names the file when the profile is not there', () => {
    const path = join(dir(), 'config.json');
    writeFileSync(path, '{ "profiles": { "a": { "url": "ws://x" } } }');
    expect(findProfile(path, 'a').url).toBe('ws://x');
    expect(() => findProfile(path, 'b')).toThrow(`no profile "b" in ${path}`);
    // An inherited property is not a profile.
    expect(() => findProfile(path, 'constructor')).toThrow(/no profile "constructor"/);
  });
});

describe('paths', () => {
  it('uses $XDG_CONFIG_HOME when absolute, else ~/.config', () => {
    expect(configFile({ XDG_CONFIG_HOME: '/x', HOME: '/h' })).toBe('/x/wsx/config.json');
    expect(configFile({ XDG_CONFIG_HOME: 'relative', HOME: '/h' })).toBe('/h/.config/wsx/config.json');
    expect(configFile({ HOME: '/h' })).toBe('/h/.config/wsx/config.json');
  });

  it('expands ~/ and leaves other paths alone; the project file is wsx.json in the directory', () => {
    expect(expandHome('~/.tokens/x', { HOME: '/h' })).toBe('/h/.tokens/x');
    expect(expandHome('/abs/~/x', { HOME: '/h' })).toBe('/abs/~/x');
    expect(projectFile('/repo')).toBe('/repo/wsx.json');
  });
});
