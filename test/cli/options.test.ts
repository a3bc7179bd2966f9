// buildOptions through its Environment hook: flags parsed by the real commander program, files and
// environment variables passed in, no socket opened.

import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../helpers/parse-flags.js';
import { buildOptions, type Environment } from '../../src/cli/options.js';
import { buildServerOptions, type ServeFlags } from '../../src/cli/serve-command.js';
import { WsxError } from '../../src/core/errors.js';
import { historyPath } from '../../src/ui/session/history-file.js';

const parse = parseFlags;

const encryptedKey = generateKeyPairSync('ec', {
  namedCurve: 'prime256v1',
  privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pass-phrase-7' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;

const files: Record<string, string> = {
  'headers.txt': '# comment\nX-Api-Key: file-key-123\n\nX-Tenant: acme\n',
  'bad-headers.txt': 'no colon here\n',
  'enc.key': encryptedKey,
  'plain.txt': 'not a key',
  'cert.pem': 'cert',
};

function environment(over: Partial<Environment> = {}): Environment {
  return {
    env: {},
    isStdinTty: false,
    isStdoutTty: false,
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return Buffer.from(text);
    },
    ...over,
  };
}

function build(args: string[], over: Partial<Environment> = {}) {
  const { url, flags } = parse(args);
  return buildOptions(url, flags, environment(over));
}

async function usageError(args: string[], over: Partial<Environment> = {}): Promise<WsxError> {
  try {
    await build(args, over);
  } catch (err) {
    expect(err).toBeInstanceOf(WsxError);
    expect(['invalid-option', 'invalid-url']).toContain((err as WsxError).kind);
    return err as WsxError;
  }
  throw new Error(`no error for ${args.join(' ')}`);
}

describe('buildOptions: every bad flag value names the flag', () => {
  const url = 'ws://example.test/';
  it.each([
    [[], 'missing URL'],
    [['--demo', url], '--demo starts its own server: give no URL with it'],
    [['--demo', '-x', 'hi'], '--demo needs a terminal'],
    [['ftp://example.test'], 'unsupported scheme "ftp"'],
    [[url, '--connect-timeout', 'soon'], '--connect-timeout: "soon" is not a duration'],
    [[url, '--connect-timeout', '0'], '--connect-timeout: "0" is not a duration'],
    [[url, '--max-redirects', '0'], '--max-redirects: "0" is not a whole number above 0'],
    [[url, '--max-message-size', 'lots'], '--max-message-size: "lots" is not a size'],
    [[url, '--max-retries', '-1'], '--max-retries: "-1" is not a whole number above 0'],
    [[url, '--ping-interval', 'often'], '--ping-interval: "often" is not a duration'],
    [[url, '--ping-timeout', '0'], '--ping-timeout: "0" is not a duration'],
    [[url, '--drop-after', 'later'], '--drop-after: "later" is not a duration'],
    [[url, '--queue-limit', '1.5'], '--queue-limit: "1.5" is not a whole number above 0'],
    [[url, '--count', '0'], '--count: "0" is not a whole number above 0'],
    [[url, '--timeout', 'soon'], '--timeout: "soon" is not a duration'],
    [[url, '--wait', 'x'], '--wait: "x" is not a duration'],
    [[url, '--input-format', 'hex'], '--input-format goes with --binary'],
    [[url, '--proto', 'jsonrpc', '--record-end', 'lf'], '--record-end does not go with --proto jsonrpc'],
    [[url, '--cert', 'cert.pem'], '--cert and --key go together'],
    [[url, '--cert', 'cert.pem', '--key', 'missing.key'], '--key: cannot read missing.key: no such file'],
    [[url, '--cert', 'cert.pem', '--key', 'plain.txt'], '--key is not a private key in PEM format'],
    [[url, '--cert', 'cert.pem', '--key', 'enc.key'], '--key is encrypted'],
    [
      [url, '--cert', 'cert.pem', '--key', 'enc.key', '--passphrase', 'wrong'],
      '--passphrase does not decrypt --key',
    ],
    [[url, '--ca', 'missing.pem'], '--ca: cannot read missing.pem: no such file'],
    [[url, '--auth', 'no-colon'], '--auth: expected user:pass'],
    [[url, '--auth-env', 'UNSET_VAR'], '--auth-env: environment variable UNSET_VAR is not set'],
    [[url, '--auth', 'u:p', '--auth-env', 'X'], 'give one of --auth, --auth-env and --auth-file'],
    [[url, '--proto', 'graphql-ws', '--init-env', 'UNSET_VAR'], '--init-env: environment variable UNSET_VAR'],
    [
      [url, '--proto', 'graphql-ws', '--init-file', 'missing.json'],
      '--init-file: cannot read missing.json: no such file',
    ],
    [[url, '--bearer-env', 'UNSET_VAR'], '--bearer-env: environment variable UNSET_VAR is not set'],
    [[url, '-H', 'no colon'], '-H: "no colon" is not a header'],
    [[url, '--header-file', 'bad-headers.txt'], '--header-file line 1: "no colon here" is not a header'],
    [[url, '--header-file', 'missing.txt'], '--header-file: cannot read missing.txt: no such file'],
    [[url, '--proxy', 'ftp://127.0.0.1:1'], '--proxy: ftp proxies are not supported'],
    [[url, '--proxy', 'http://[bad'], '--proxy: "http://[bad" is not a URL'],
    [[url, '--expect-json', 'no-equals'], '--expect-json: expected path=value'],
    [[url, '--expect', '('], '--expect: invalid regular expression /(/'],
    [[url, '--input-format', 'base64', '--binary', '--count', '1.5'], '--count: "1.5" is not a whole'],
  ])('%j → %s', async (args, message) => {
    expect((await usageError(args)).message).toContain(message);
  });

  it('rejects an environment proxy that is neither HTTP nor SOCKS, naming it', async () => {
    const err = await usageError(['ws://example.test/'], { env: { HTTP_PROXY: 'ftp://p.test:1080' } });
    expect(err.message).toBe('--proxy: ftp proxies are not supported');
  });

  it('takes SOCKS proxies from --proxy and ALL_PROXY, with the same loopback bypass, the password masked', async () => {
    for (const scheme of ['socks5', 'socks5h', 'socks4a']) {
      const o = await build(['ws://api.example.test/', '--proxy', `${scheme}://u:sock-pw@p.test:1080`]);
      expect(o.proxy).toBe(`${scheme}://u:sock-pw@p.test:1080`);
      expect(o.connection.proxyLabel).toBe(`${scheme}://u:***@p.test:1080`);
      expect(o.connection.agentFor).toBeDefined();
      expect(o.secrets).toContain('sock-pw');
    }
    const env = { ALL_PROXY: 'socks5h://p.test:1080' };
    expect((await build(['wss://api.example.test/'], { env })).proxy).toBe('socks5h://p.test:1080');
    expect((await build(['ws://api.example.test/'], { env: { all_proxy: 'socks5://p.test:1' } })).proxy).toBe(
      'socks5://p.test:1',
    );
    for (const host of ['localhost', '127.0.0.1', '[::1]'])
      expect([host, (await build([`ws://${host}:8080/`], { env })).proxy]).toEqual([host, undefined]);
    expect((await build(['ws://api.example.test/', '--no-proxy'], { env })).proxy).toBeUndefined();
  });

  it.each([
    [{ port: '70000' }, '--port: "70000" is not a port'],
    [{ maxClients: '0' }, '--max-clients: "0" is not a whole number above 0'],
    [{ maxPayload: 'big' }, '--max-payload: "big" is not a size'],
    [{ maxBuffered: '0' }, '--max-buffered: "0" is not a size'],
    [{ pingInterval: 'x' }, '--ping-interval: "x" is not a duration'],
    [{ pingTimeout: '0' }, '--ping-timeout: "0" is not a duration'],
    [{ lagTimeout: 'soon' }, '--lag-timeout: "soon" is not a duration'],
    [{ closeTimeout: '0' }, '--close-timeout: "0" is not a duration'],
  ])('wsx serve %j → %s (the same value parsers)', (bad, message) => {
    const flags: ServeFlags = {
      port: '0',
      host: '127.0.0.1',
      mode: 'echo',
      maxPayload: '16M',
      pingInterval: '10s',
      pingTimeout: '5s',
      maxBuffered: '4M',
      lagTimeout: '2s',
      closeTimeout: '2s',
      ...bad,
    };
    expect(() => buildServerOptions(flags)).toThrow(message);
  });

  it('accepts the defaults and turns values into units', async () => {
    const o = await build([
      'example.test:9/p',
      '--drop-after',
      '1.5s',
      '--max-message-size',
      '512k',
      '--ping-interval',
      '0',
    ]);
    expect(o.url).toBe('ws://example.test:9/p');
    expect(o.mode).toBe('pipe');
    expect(o.dropAfterMs).toBe(1500);
    expect(o.waitMs).toBe(1000);
    expect(o.connection.maxPayloadBytes).toBe(512 * 1024);
    expect(o.connection.heartbeat).toBe(false);
    expect(o.connection.handshakeTimeoutMs).toBe(10_000);
    expect(o.warnings).toEqual([]);
  });
});

describe('buildOptions: flags beat the environment', () => {
  const env = { HTTPS_PROXY: 'http://env-proxy.test:3128', HTTP_PROXY: 'http://env-proxy.test:3128' };

  it('uses HTTPS_PROXY for wss:// and HTTP_PROXY for ws://, and --proxy over both', async () => {
    expect((await build(['wss://api.example.test/'], { env })).proxy).toBe('http://env-proxy.test:3128/');
    expect((await build(['ws://api.example.test/'], { env: { http_proxy: 'p.test:8' } })).proxy).toBe(
      'http://p.test:8/',
    );
    const flagged = await build(['wss://api.example.test/', '--proxy', 'http://flag-proxy.test:1'], { env });
    expect(flagged.proxy).toBe('http://flag-proxy.test:1/');
    expect(flagged.connection.proxyLabel).toBe('http://flag-proxy.test:1');
    expect(flagged.connection.agentFor).toBeDefined();
    expect((await build(['wss://api.example.test/', '--no-proxy'], { env })).proxy).toBeUndefined();
  });

  it('never sends loopback through an environment proxy, but does when --proxy says so', async () => {
    for (const host of ['localhost', 'app.localhost', '127.0.0.1', '127.8.9.10', '[::1]']) {
      const o = await build([`ws://${host}:8080/`], { env });
      expect([host, o.proxy]).toEqual([host, undefined]);
    }
    const explicit = await build(['ws://127.0.0.1:8080/', '--proxy', 'http://flag-proxy.test:1']);
    expect(explicit.proxy).toBe('http://flag-proxy.test:1/');
    expect((await build(['ws://128.0.0.1/'], { env })).proxy).toBe('http://env-proxy.test:3128/');
  });

  it('honours NO_PROXY by host, domain suffix, port and *', async () => {
    const proxyFor = async (url: string, noProxy: string) =>
      (await build([url], { env: { ...env, no_proxy: noProxy } })).proxy;
    expect(await proxyFor('ws://a.example.test/', 'a.example.test')).toBeUndefined();
    expect(await proxyFor('ws://a.example.test/', '.example.test')).toBeUndefined();
    expect(await proxyFor('ws://a.example.test/', 'other.test, *.example.test')).toBeUndefined();
    expect(await proxyFor('ws://a.example.test:81/', 'a.example.test:81')).toBeUndefined();
    expect(await proxyFor('ws://a.example.test/', 'a.example.test:81')).toBeDefined();
    expect(await proxyFor('ws://a.example.test/', 'example.test')).toBeDefined();
    expect(await proxyFor('ws://a.example.test/', '*')).toBeUndefined();
  });

  it('takes --auth over user:pass in the URL, and --bearer-env over both', async () => {
    const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    const fromUrl = await build(['ws://url-user:url-pass@example.test/']);
    expect(fromUrl.connection.headers).toEqual({ Authorization: basic('url-user:url-pass') });
    expect(fromUrl.url).toBe('ws://example.test/');
    const flag = await build(['ws://url-user:url-pass@example.test/', '--auth', 'ann:flag-pass']);
    expect(flag.connection.headers).toEqual({ Authorization: basic('ann:flag-pass') });
    const bearer = await build(['ws://example.test/', '--auth', 'ann:x1y', '--bearer-env', 'T'], {
      env: { T: 'bearer-tok' },
    });
    expect(bearer.connection.headers).toEqual({ Authorization: 'Bearer bearer-tok' });
  });

  it('reconnects by default only in the interactive session, and --no-reconnect wins there', async () => {
    const tty = { isStdinTty: true, isStdoutTty: true };
    expect((await build(['ws://example.test/'])).connection.reconnect?.enabled).toBe(false);
    const interactive = await build(['ws://example.test/'], tty);
    expect([interactive.mode, interactive.connection.reconnect?.enabled]).toEqual(['interactive', true]);
    expect((await build(['ws://example.test/', '--no-reconnect'], tty)).connection.reconnect?.enabled).toBe(
      false,
    );
    expect((await build(['ws://example.test/', '--no-tui'], tty)).mode).toBe('pipe');
  });
});

describe('buildOptions: every secret is recorded for masking', () => {
  it('records header, header-file, bearer, userinfo, query and proxy secrets, and masks the query in displayUrl', async () => {
    const o = await build(
      [
        'wss://user:userinfo-pass@example.test/ws?token=query-token-1&room=7&x_sig=sig-2&custom=mine-3',
        '-H',
        'Cookie: sid=cookie-4',
        '-H',
        'X-Trace: not-secret',
        '--header-file',
        'headers.txt',
        '--bearer-env',
        'TOKEN',
        '--mask-param',
        'CUSTOM',
        '--proxy',
        'http://pu:proxy-pass-5@proxy.test:3128',
      ],
      { env: { TOKEN: 'bearer-6' } },
    );
    for (const secret of [
      'userinfo-pass',
      'query-token-1',
      'sig-2',
      'mine-3',
      'sid=cookie-4',
      'file-key-123',
      'acme',
      'bearer-6',
      'proxy-pass-5',
    ])
      expect(o.secrets).toContain(secret);
    expect(o.secrets).not.toContain('not-secret');
    expect(o.url).toBe('wss://example.test/ws?token=query-token-1&room=7&x_sig=sig-2&custom=mine-3');
    expect(o.displayUrl).toBe('wss://example.test/ws?token=***&room=7&x_sig=***&custom=***');
    expect(o.connection.displayUrl).toBe(o.displayUrl);
    expect([...o.secretHeaders].sort()).toEqual([
      'authorization',
      'cookie',
      'proxy-authorization',
      'x-api-key',
      'x-tenant',
    ]);
  });

  it.each(['token', 'access_token', 'api_key', 'apikey', 'key', 'auth', 'password', 'secret', 'sig'])(
    'masks ?%s= in displayUrl',
    async (name) => {
      const o = await build([`ws://example.test/?${name}=v-a-l-u-e&page=2`]);
      expect(o.displayUrl).toBe(`ws://example.test/?${name}=***&page=2`);
      expect(o.secrets).toContain('v-a-l-u-e');
    },
  );

  it('records a percent-encoded query secret both as written and decoded', async () => {
    const o = await build(['ws://example.test/?jwt=a%2Bb%3Dc&signature=plain']);
    expect(o.displayUrl).toBe('ws://example.test/?jwt=***&signature=***');
    expect(o.secrets).toEqual(expect.arrayContaining(['a%2Bb%3Dc', 'a+b=c', 'plain']));
  });

  it('asks for the passphrase of an encrypted --key on a terminal and records it', async () => {
    const asked: string[] = [];
    const o = await build(['wss://example.test/', '--cert', 'cert.pem', '--key', 'enc.key'], {
      isStdinTty: true,
      askSecret: (question) => {
        asked.push(question);
        return Promise.resolve('pass-phrase-7');
      },
    });
    expect(asked).toEqual(['Passphrase for --key: ']);
    expect(o.connection.tls?.passphrase).toBe('pass-phrase-7');
    expect(o.secrets).toContain('pass-phrase-7');
    const given = await build([
      'wss://example.test/',
      '--cert',
      'cert.pem',
      '--key',
      'enc.key',
      '--passphrase',
      'pass-phrase-7',
    ]);
    expect(given.secrets).toContain('pass-phrase-7');
  });

  it('masks a secret in the URL even when the URL is rejected', async () => {
    const err = await usageError(['ws://user:userinfo-pass@[bad/?token=query-token-1']);
    expect(err.message).not.toContain('userinfo-pass');
    expect(err.message).not.toContain('query-token-1');
    expect(err.message).toContain('invalid URL');
  });

  it('names the history file by a hash of the masked URL: one file per URL whatever the token', async () => {
    const a = await build(['ws://example.test/chat?token=first-token']);
    const b = await build(['ws://example.test/chat?token=second-token']);
    const pathA = historyPath(a.displayUrl, { XDG_STATE_HOME: '/state' });
    expect(pathA).toBe(historyPath(b.displayUrl, { XDG_STATE_HOME: '/state' }));
    expect(pathA).toMatch(/^\/state\/wsx\/history\/example\.test_chat-[0-9a-f]{10}\.jsonl$/);
    expect(pathA).not.toContain('token');
  });
});

describe('buildOptions: flags the chosen mode ignores', () => {
  const tty = { isStdinTty: true, isStdoutTty: true };
  it.each([
    [['--pretty'], {}, '--pretty does nothing in pipe mode; ignored (see wsx --help)'],
    [
      ['--jsonl', '--count', '3'],
      tty,
      '--jsonl and --count do nothing in the interactive session; ignored (see wsx --help)',
    ],
    [
      ['-x', 'hi', '--null', '--binary', '--timestamps'],
      {},
      '--null, --binary and --timestamps do nothing in script mode (-x/--expect); ignored (see wsx --help)',
    ],
    [
      ['--resend', '-P'],
      {},
      '--show-ping-pong and --resend do nothing in pipe mode; ignored (see wsx --help)',
    ],
  ])('%j (%j) warns once: %s', async (args, over, warning) => {
    expect((await build(['ws://example.test/', ...args], over)).warnings).toEqual([warning]);
  });

  it.each([
    [['--jsonl', '--count', '2', '--wait', '2s', '--null'], {}],
    [['--pretty', '--timestamps', '-P'], tty],
    // The session sends typed lines as binary frames with --binary.
    [['--binary', '--input-format', 'hex'], tty],
    [['-x', 'a', '--resend', '--jsonl', '--binary-out', 'hex'], {}],
  ])('%j (%j) warns of nothing', async (args, over) => {
    expect((await build(['ws://example.test/', ...args], over)).warnings).toEqual([]);
  });
});
