// `wsx run` against a server shaped like Chrome DevTools: it sends an event before the response that goes
// with it, and ids the scenario must capture and send back.

import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup, tempFileUntilCleanup } from '../helpers/cleanup.js';
import { runWsx } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();

const scenarioFile = (text: string): string => tempFileUntilCleanup(defer, 'cdp.wsx', text);

/**
 * CDP-shaped: `Target.createTarget` gets the `Target.targetCreated` event first, then its response;
 * `Target.attachToTarget` with that target id gets a session id, any other id an error response.
 */
async function startCdpLikeServer() {
  const s = await serverUntilCleanup(defer);
  s.wss.on('connection', (ws: WebSocket) =>
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id: number; method: string; params?: { targetId?: string } };
      const targetId = 'T.1';
      if (msg.method === 'Target.createTarget') {
        ws.send(
          JSON.stringify({
            method: 'Target.targetCreated',
            params: { targetInfo: { targetId, type: 'page' } },
          }),
        );
        ws.send(JSON.stringify({ id: msg.id, result: { targetId } }));
      } else if (msg.method === 'Target.attachToTarget') {
        ws.send(
          JSON.stringify(
            msg.params?.targetId === targetId
              ? { id: msg.id, result: { sessionId: `S-${targetId}` } }
              : { id: msg.id, error: { code: -32602, message: 'No target with given id found' } },
          ),
        );
      }
    }),
  );
  return s;
}

describe('wsx run: events and responses in either order, captured ids in expects', () => {
  it('an expect all group takes the event that came first; {{id}} is filled in expects and sends', async () => {
    const s = await startCdpLikeServer();
    const file = scenarioFile(
      [
        'send {"id":1,"method":"Target.createTarget","params":{"url":"about:blank"}}',
        'expect all within 2s',
        '  json method == "Target.targetCreated"',
        '  json id == 1',
        'end',
        'capture id = json result.targetId',
        'send {"id":2,"method":"Target.attachToTarget","params":{"targetId":"{{id}}","flatten":true}}',
        'expect json id == 2 and json result.sessionId == "S-{{id}}" and /"S-{{id}}"/ within 2s',
        '',
      ].join('\n'),
    );
    const result = await runWsx(['run', file, '--url', s.url]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '✓ expect all within 2s (json method == "Target.targetCreated"; json id == 1)',
    );
    expect(JSON.parse(s.received[1]!)).toMatchObject({ params: { targetId: 'T.1' } });
  });

  it('without the group, the first expect reads past the early event, and a later expect for it fails with the value filled in', async () => {
    const s = await startCdpLikeServer();
    const file = scenarioFile(
      [
        'send {"id":1,"method":"Target.createTarget","params":{"url":"about:blank"}}',
        'expect json id == 1 within 2s',
        'capture id = json result.targetId',
        'expect json params.targetInfo.targetId == "{{id}}" within 300ms',
        '',
      ].join('\n'),
    );
    const result = await runWsx(['run', file, '--url', s.url]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(
      `${file}:4: expect json params.targetInfo.targetId == "{{id}}" within 300ms: timed out after 300ms waiting for json params.targetInfo.targetId == "T.1"; no message arrived`,
    );
  });

  it('a failed expect names the closest message and why: a field missing, a different value and type', async () => {
    const s = await startCdpLikeServer();
    const file = scenarioFile(
      [
        'send {"id":1,"method":"Target.createTarget"}',
        'expect json id == "1" and json result.targetId exists within 300ms',
        '',
      ].join('\n'),
    );
    const result = await runWsx(['run', file, '--url', s.url]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(
      'closest message: {"id":1,"result":{"targetId":"T.1"}} (json id == "1": id is 1 (number), not a string)',
    );
    const missing = scenarioFile(
      'send {"id":1,"method":"Target.createTarget"}\nexpect json params.targetInfo.url exists within 300ms\n',
    );
    const r2 = await runWsx(['run', missing, '--url', s.url]);
    expect(r2.stderr).toContain('params.targetInfo.url is missing (params.targetInfo has no member "url")');
  });

  it('an unknown variable in an expect is exit 2 before anything connects, naming it and its line', async () => {
    const s = await startCdpLikeServer();
    const file = scenarioFile(
      'send {"id":1,"method":"Target.createTarget"}\nexpect json result.targetId == "{{target}}"\n',
    );
    const result = await runWsx(['run', file, '--url', s.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `${file}:2: unknown variable {{target}} (capture it in an earlier step, or pass --var target=VALUE)\n`,
    );
    expect(s.received).toEqual([]);
  });
});
