// Artillery 2.0.21 (the last version that runs on Node 20) with its `ws` engine, as a named peer in
// bench/load.mjs. Installed on demand into bench/.peers/ (git ignores it), never a dependency of wsx:
// `--ignore-scripts` skips the Playwright browser download its install script would try.
//
// Artillery's ws engine records no round-trip time: a `send` with `capture` waits for the next message
// and counts it as `websocket.messages_received`. Each virtual user sends, waits for its echo, thinks,
// and sends again (a closed loop), so what the rows count is completed send→reply pairs, untimed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const artilleryVersion = '2.0.21';
const peers = fileURLToPath(new URL('./.peers/', import.meta.url));
export const artilleryBin = join(peers, 'node_modules/artillery/bin/run');

/** Installs Artillery into bench/.peers/ unless it is there; returns why not when it cannot. */
export function ensureArtillery() {
  const installed = join(peers, 'node_modules/artillery/package.json');
  if (existsSync(installed) && JSON.parse(readFileSync(installed, 'utf8')).version === artilleryVersion)
    return undefined;
  const r = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      peers,
      `artillery@${artilleryVersion}`,
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 600_000 },
  );
  return r.status === 0
    ? undefined
    : `npm install artillery@${artilleryVersion} failed: ${r.stderr.trim().split('\n').at(-1)}`;
}

/** Artillery's environment: no telemetry (traffic stays on loopback). */
export const artilleryEnv = { ARTILLERY_DISABLE_TELEMETRY: '1' };

/**
 * A script (JSON is YAML) for `conns` virtual users arriving at `arrivalsPerSec`. With `messages`, each
 * user sends that many messages, each waiting for its echo, `thinkMs` apart; without, each holds its
 * connection open for `holdS` seconds. permessage-deflate off, as wsx load and the raw floor run.
 */
export function artilleryScript(file, { url, conns, arrivalsPerSec, messages, thinkMs = 50, holdS = 600 }) {
  const durationS = Math.max(1, Math.ceil(conns / arrivalsPerSec));
  const flow = messages
    ? [
        {
          loop: [
            { send: { payload: 'artillery {{ $loopCount }}', capture: { regexp: '(.*)', as: 'reply' } } },
            { think: `${thinkMs}ms` },
          ],
          count: messages,
        },
      ]
    : [{ think: `${holdS}s` }];
  writeFileSync(
    file,
    JSON.stringify({
      config: {
        target: url,
        phases: [{ duration: durationS, arrivalCount: conns }],
        ws: { perMessageDeflate: false },
      },
      scenarios: [{ engine: 'ws', flow }],
    }),
  );
  return file;
}

/** The counters of a report written with `artillery run --output FILE`. */
export function artilleryCounts(reportFile) {
  const c = JSON.parse(readFileSync(reportFile, 'utf8')).aggregate?.counters ?? {};
  return {
    sent: c['websocket.messages_sent'] ?? 0,
    received: c['websocket.messages_received'] ?? 0,
    created: c['vusers.created'] ?? 0,
    failed: c['vusers.failed'] ?? 0,
  };
}
