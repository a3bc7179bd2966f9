// Cost of one contract check, µs per message: the built contract bundle (dist/contract/index.js) against
// test/fixtures/asyncapi/quotes-3.0.yaml, a valid message (picked by the `event` discriminator) and an invalid
// one (errors described); then JSON-RPC messages over --proto jsonrpc against
// test/fixtures/asyncapi/calc-jsonrpc/asyncapi-3.0.yaml (the method names the message, a response is named
// by the method it answers). Run after `npm run build`: node bench/contract-check.mjs [messages]
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

const rpcLoaded = loadContract({
  file: 'asyncapi-3.0.yaml',
  text: readFileSync(
    new URL('../test/fixtures/asyncapi/calc-jsonrpc/asyncapi-3.0.yaml', import.meta.url),
    'utf8',
  ),
  url: 'ws://127.0.0.1:8080/',
  role: 'server',
  proto: 'jsonrpc',
});
if ('problem' in rpcLoaded) throw new Error(rpcLoaded.problem);

function perMessageUs(direction, text, answers, on = contract) {
  for (let i = 0; i < 10_000; i++) on.check(direction, text, answers); // warm-up: JIT
  const t0 = performance.now();
  for (let i = 0; i < n; i++) on.check(direction, text, answers);
  return ((performance.now() - t0) * 1000) / n;
}
const rpc = rpcLoaded.contract;

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
  'jsonrpc: valid sent add (µs/msg)': perMessageUs(
    'sent',
    '{"jsonrpc":"2.0","method":"add","params":{"a":1,"b":2},"id":1}',
    undefined,
    rpc,
  ),
  'jsonrpc: valid result answering add (µs/msg)': perMessageUs(
    'received',
    '{"jsonrpc":"2.0","id":1,"result":3}',
    'add',
    rpc,
  ),
  'jsonrpc: invalid params (µs/msg)': perMessageUs(
    'sent',
    '{"jsonrpc":"2.0","method":"add","params":{"a":"x","b":2},"id":1}',
    undefined,
    rpc,
  ),
  'jsonrpc: unknown method (µs/msg)': perMessageUs(
    'sent',
    '{"jsonrpc":"2.0","method":"mul","id":1}',
    undefined,
    rpc,
  ),
};
for (const [what, value] of Object.entries(rows)) console.log(`${what.padEnd(46)} ${value.toFixed(2)}`);
