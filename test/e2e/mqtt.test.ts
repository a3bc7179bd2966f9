// --proto mqtt through the built bin/wsx.js against the real aedes broker behind ws on loopback: pipes,
// --jsonl, script mode, a scenario file, the password kept secret, and each refusal's exit code.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, tempFileUntilCleanup } from '../helpers/cleanup.js';
import { lines, runWsx } from '../helpers/run-wsx.js';
import { startMqttServer } from '../protocols/mqtt-server.js';
import { startMqtt5Server } from '../protocols/mqtt5-server.js';

const defer = cleanupAfterEach();

const jsonLines = (text: string) => lines(text).map((l) => JSON.parse(l) as Record<string, unknown>);
const credentials = { username: 'sensor', password: 'm0squito-pw' };

describe('--proto mqtt', () => {
  it('pipe: subscribes, publishes with QoS 1 and 2, prints messages as topic + payload and the acks, exit 0', async () => {
    const { url, broker } = await startMqttServer(defer, { credentials });
    let subscribed = false;
    broker.on('subscribe', () => (subscribed = true));
    const result = await runWsx(['--proto', 'mqtt', '--auth', 'sensor:m0squito-pw', url], {
      input: 'sub sensors/# qos:2\npub sensors/kitchen qos:1 21.5\npub sensors/hall qos:2 {"t":19}\n',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(subscribed).toBe(true);
    // aedes handles packets concurrently: the order of the lines is its own.
    expect(lines(result.stdout).sort()).toEqual(
      [
        '{"suback":1,"granted":[2]}',
        '{"puback":2}',
        '{"pubcomp":3}',
        '{"topic":"sensors/kitchen","payload":"21.5","qos":1,"retain":false}',
        '{"topic":"sensors/hall","payload":"{\\"t\\":19}","qos":2,"retain":false}',
      ].sort(),
    );
  });

  it('--jsonl: publishes and messages decoded beside their binary frames, the password nowhere', async () => {
    const { url } = await startMqttServer(defer, { credentials });
    const result = await runWsx(
      [
        '--proto',
        'mqtt',
        '--auth-env',
        'MQTT_LOGIN',
        '--jsonl',
        '-v',
        '--init',
        '{"clientId":"wsx-e2e"}',
        url,
      ],
      { input: 'pub a/b qos:1 retain:1 hi\n', env: { MQTT_LOGIN: 'sensor:m0squito-pw' } },
    );
    expect(result.code).toBe(0);
    const events = jsonLines(result.stdout);
    const pick = (e: Record<string, unknown>) => [e.event, e.kind, e.id, e.data];
    expect(events.filter((e) => e.event === 'send' || e.event === 'recv').map(pick)).toEqual([
      ['send', 'publish', 1, '{"topic":"a/b","payload":"hi","qos":1,"retain":true}'],
      ['recv', 'receipt', 1, '{"puback":1}'],
    ]);
    expect(events.find((e) => e.event === 'recv')!.rtt_ms).toEqual(expect.any(Number));
    // The client id came in --init, whose strings are masked like every --init payload's.
    expect(result.stderr).toContain('MQTT 3.1.1 connected as *** (keep-alive 60 s)');
    expect(result.stdout + result.stderr).not.toContain('m0squito-pw');
  });

  it('a wrong password is a refused CONNECT (CONNACK 5): exit 3', async () => {
    const { url } = await startMqttServer(defer, { credentials });
    const result = await runWsx(['--proto', 'mqtt', '--auth', 'sensor:wrong', url]);
    expect(result.stderr).toBe(
      `wsx: the MQTT server refused CONNECT: 5 not authorized (check --auth, and the client id: --init '{"clientId":"…"}')\n`,
    );
    expect(result.code).toBe(3);
  });

  it('MQTT 5 (--init protocolVersion 5): reason codes in words for SUBACK and PUBACK; a refused login exits 3', async () => {
    const server = await startMqtt5Server(defer, { credentials: { username: 'u', password: 'pw' } });
    const args = ['--proto', 'mqtt', '--init', '{"protocolVersion":5,"clientId":"v5"}', server.url];
    const result = await runWsx(['--auth', 'u:pw', ...args], {
      input: 'sub sensors/+ qos:1\npub sensors/1 qos:1 21.5\npub nobody/here qos:1 x\nsub forbidden/x\n',
    });
    const refused =
      '{"error":{"message":"subscription refused","topics":["forbidden/x"],"granted":[135],"reasons":["0x87 not authorized"]}}';
    expect(lines(result.stdout)).toEqual([
      '{"suback":1,"granted":[1]}',
      '{"topic":"sensors/1","payload":"21.5","qos":1,"retain":false}',
      '{"puback":2}',
      '{"puback":3,"reasonCode":16,"reason":"0x10 no matching subscribers"}',
      refused,
    ]);
    expect(result.stderr).toBe(
      `wsx: 4 failed: ${refused}\nwsx: the server answered 1 request with an error\n`,
    );
    expect(result.code).toBe(4);
    const bad = await runWsx(['--auth', 'u:nope', ...args]);
    expect(bad.stderr).toBe(
      `wsx: the MQTT server refused CONNECT: 0x86 bad user name or password (user name or password is wrong) (check --auth, and the client id: --init '{"clientId":"…"}')\n`,
    );
    expect(bad.code).toBe(3);
  });

  it('a refused subscription is an error answer: printed, named on stderr, exit 4', async () => {
    const { url } = await startMqttServer(defer);
    const result = await runWsx(['--proto', 'mqtt', url], { input: 'sub forbidden/x qos:1\n' });
    const error = '{"error":{"message":"subscription refused","topics":["forbidden/x"],"granted":[128]}}';
    expect(lines(result.stdout)).toEqual([error]);
    expect(result.stderr).toBe(`wsx: 1 failed: ${error}\nwsx: the server answered 1 request with an error\n`);
    expect(result.code).toBe(4);
  });

  it('a line that is no MQTT operation stops the pipe, exit 1; a -x one is refused before connecting, exit 2', async () => {
    const { url } = await startMqttServer(defer);
    const piped = await runWsx(['--proto', 'mqtt', url], { input: 'send a/b hi\n' });
    expect(piped.stderr).toMatch(
      /^wsx: stdin record 1 "send a\/b hi" is not a mqtt message: an MQTT line is sub FILTER/,
    );
    expect(piped.code).toBe(1);
    const x = await runWsx(['--proto', 'mqtt', url, '-x', 'pub']);
    expect(x.stderr).toBe('wsx: -x "pub" is not a mqtt message: pub needs a topic\n');
    expect(x.code).toBe(2);
  });

  it('script mode and a scenario: expect json on the decoded messages', async () => {
    const { url } = await startMqttServer(defer, { isSplitting: true });
    const script = await runWsx([
      '--proto',
      'mqtt',
      url,
      '-x',
      'pub status/door retain:1 open',
      '-x',
      'sub status/#',
      '--expect-json',
      'payload=open',
    ]);
    expect(script.stderr).toBe('');
    expect(script.code).toBe(0);
    const file = tempFileUntilCleanup(
      defer,
      'door.wsx',
      [
        'proto mqtt',
        `connect ${url}`,
        'send sub status/# qos:1',
        'expect json topic == "status/door" and json retain == true',
        'send pub status/door qos:1 closed',
        'expect json payload == "closed" within 2s',
        '',
      ].join('\n'),
    );
    const run = await runWsx(['run', file]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✓ expect json payload == "closed" within 2s');
  });
});
