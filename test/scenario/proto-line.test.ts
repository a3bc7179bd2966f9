import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioSyntaxError } from '../../src/scenario/parser.js';

function syntaxError(text: string): string {
  try {
    parseScenario('t.wsx', text);
  } catch (err) {
    if (err instanceof ScenarioSyntaxError) return err.message;
    throw err;
  }
  throw new Error('parsed without an error');
}

describe('the proto line', () => {
  it('names the protocol, before or after connect, and is no step', () => {
    const s = parseScenario('t.wsx', 'connect ws://h/\nproto jsonrpc\nsend add [1,2]\n');
    expect(s.proto).toBe('jsonrpc');
    expect(s.steps.map((step) => step.verb)).toEqual(['send']);
    expect(parseScenario('t.wsx', 'send x\n').proto).toBeUndefined();
  });

  it('is checked: a known name, once, before the steps', () => {
    expect(syntaxError('proto mqtt\n')).toBe(
      't.wsx:1: proto: unknown protocol "mqtt" (use one of raw, socketio, jsonrpc, cdp, graphql-ws)',
    );
    expect(syntaxError('proto socketio\nproto jsonrpc\n')).toBe(
      't.wsx:2: a second proto: one protocol per file',
    );
    expect(syntaxError('send x\nproto socketio\n')).toBe('t.wsx:2: proto must come before the steps');
  });
});
