// Cost of one contract check, µs per message: the built contract bundle (dist/contract/index.js) against
// test/fixtures/asyncapi/quotes-3.0.yaml, a valid message (picked by the `event` discriminator) and an invalid
// one (errors described). Run after `npm run build`: node bench/contract-check.mjs [messages]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const n = Number(process.argv[2] ?? 200_000);
const started = performance.now();
const { loadContract } = await import('../dist/contract/index.js');
const imported = performance.now();
const loaded = loadContract({
  file: 'quotes-3.0.yaml',
  text: readFileSync(new URL('../test/fixtures/asyncapi/quotes-3.0.yaml', import.meta.url), 'utf8'),
  url: 'ws://localhost:8080/quotes',
  role: 'server',
});
if ('problem' in loaded) throw new Error(loaded.problem);
const ready = performance.now();
const { contract } = loaded;

function perMessageUs(direction, text) {
  for (let i = 0; i < 10_000; i++) contract.check(direction, text); // warm-up: JIT
  const t0 = performance.now();
  for (let i = 0; i < n; i++) contract.check(direction, text);
  return ((performance.now() - t0) * 1000) / n;
}

const rows = {
  'import the bundle (ms)': imported - started,
  'read the document, compile its schemas (ms)': ready - imported,
  'valid received ticker (µs/msg)': perMessageUs(
    'received',
    '{"event":"ticker","pair":"XBT/USD","price":97000.5}',
  ),
  'invalid received ticker (µs/msg)': perMessageUs(
    'received',
    '{"event":"ticker","pair":"XBT/USD","price":"high"}',
  ),
  'valid sent subscribe (µs/msg)': perMessageUs('sent', '{"event":"subscribe","pair":"XBT/USD"}'),
  'no candidate matched (µs/msg)': perMessageUs('received', '{"event":"trade"}'),
};
for (const [what, value] of Object.entries(rows)) console.log(`${what.padEnd(46)} ${value.toFixed(2)}`);
