// A real RabbitMQ broker (Debian's rabbitmq-server) with its Web STOMP and Web MQTT plugins, started for a
// test file on free loopback ports with its own node name, data directory, cookie and epmd port, so it
// meets no other broker on the machine. It takes 5-35 s to boot (measured: 34 s on a loaded 2-core box).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './servers.js';

const serverScript = '/usr/lib/rabbitmq/bin/rabbitmq-server';
export const hasRabbitmq = existsSync(serverScript);

export interface Rabbitmq {
  /** ws://127.0.0.1:PORT/ws: Web STOMP. */
  stompUrl: string;
  /** ws://127.0.0.1:PORT/ws: Web MQTT. */
  mqttUrl: string;
  stop: () => Promise<void>;
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts a broker and resolves once both WebSocket listeners accept connections (within `timeoutMs`). */
export async function startRabbitmq(timeoutMs = 90_000): Promise<Rabbitmq> {
  const dir = mkdtempSync(join(tmpdir(), 'wsx-rabbitmq-'));
  const [amqp, stomp, mqtt, dist, epmd] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${amqp}`,
      `web_stomp.tcp.port = ${stomp}`,
      'web_stomp.tcp.ip = 127.0.0.1',
      `web_mqtt.tcp.port = ${mqtt}`,
      'web_mqtt.tcp.ip = 127.0.0.1',
      // Only the WebSocket listeners: the plain STOMP and MQTT ports would be fixed ones.
      'stomp.listeners.tcp = none',
      'mqtt.listeners.tcp = none',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_web_stomp,rabbitmq_web_mqtt].\n');
  writeFileSync(join(dir, 'rabbitmq-env.conf'), '');
  const env = {
    ...process.env,
    // The Erlang cookie is written to $HOME: a fresh one per broker.
    HOME: dir,
    RABBITMQ_NODENAME: `wsx${process.pid}x${amqp}@localhost`,
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_LOGS: join(dir, 'rabbit.log'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(dir, 'rabbit.pid'),
    RABBITMQ_DIST_PORT: String(dist),
    ERL_EPMD_PORT: String(epmd),
  };
  const child = spawn(serverScript, [], { env, stdio: 'ignore', detached: true });
  let hasExited = false;
  child.once('exit', () => (hasExited = true));
  const stop = async () => {
    if (!hasExited) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // The whole group: the script, the Erlang VM and its port programs.
      process.kill(-child.pid!, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (!hasExited) process.kill(-child.pid!, 'SIGKILL');
    }
    // epmd daemonises out of the group: ask it to stop (it is ours alone, on its own port).
    spawnSync('epmd', ['-kill'], { env, stdio: 'ignore', timeout: 5000 });
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (!((await isListening(stomp)) && (await isListening(mqtt)))) {
    if (hasExited || Date.now() > deadline) {
      await stop();
      throw new Error(
        hasExited
          ? 'rabbitmq-server exited before its WebSocket listeners opened'
          : `rabbitmq-server did not open its WebSocket listeners within ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { stompUrl: `ws://127.0.0.1:${stomp}/ws`, mqttUrl: `ws://127.0.0.1:${mqtt}/ws`, stop };
}
