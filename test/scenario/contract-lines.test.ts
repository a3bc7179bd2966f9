import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parser.js';

describe('the asyncapi line and contract conditions in a scenario', () => {
  it("resolves the document against the scenario's folder and notes the first step that needs it", () => {
    const s = parseScenario(
      'specs/feed.wsx',
      'asyncapi api.yaml\nconnect ws://x/\nsend {}\nexpect /a/\nexpect valid pong within 2s\n',
    );
    expect(s.asyncapi).toBe('specs/api.yaml');
    expect(s.contractLine).toBe(5);
    expect(parseScenario('/a/f.wsx', 'asyncapi /abs/api.yaml\n').asyncapi).toBe('/abs/api.yaml');
    expect(parseScenario('f.wsx', 'connect ws://x/\nsend {}\nexpect /a/\n').contractLine).toBeUndefined();
  });

  it('finds valid/invalid inside expect all, expect no and ignore too', () => {
    expect(parseScenario('f.wsx', 'expect all\n  valid pong\nend\n').contractLine).toBe(1);
    expect(parseScenario('f.wsx', 'expect no invalid within 1s\n').contractLine).toBe(1);
    expect(parseScenario('f.wsx', 'ignore valid heartbeat\n').contractLine).toBe(1);
  });

  it('refuses a second asyncapi line, one after the steps, and one without a file', () => {
    expect(() => parseScenario('f.wsx', 'asyncapi a.yaml\nasyncapi b.yaml\n')).toThrow(
      'f.wsx:2: a second asyncapi: one document per file',
    );
    expect(() => parseScenario('f.wsx', 'send {}\nasyncapi a.yaml\n')).toThrow(
      'f.wsx:2: asyncapi must come before the steps',
    );
    expect(() => parseScenario('f.wsx', 'asyncapi\n')).toThrow('f.wsx:1: asyncapi: missing FILE');
  });
});
