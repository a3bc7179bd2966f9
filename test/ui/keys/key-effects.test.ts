import { describe, expect, it } from 'vitest';
import { osc52, runKeyEffect, type KeyEffectDeps } from '../../../src/ui/keys/key-effects.js';

/** Deps that record every call, in order; `now` is driven by hand. */
function recorder(over: Partial<KeyEffectDeps> = {}) {
  const calls: string[] = [];
  let clock = 10_000;
  const deps: KeyEffectDeps = {
    submit: (line) => calls.push(`submit ${line}`),
    info: (text) => calls.push(`info ${text}`),
    close: () => calls.push('close'),
    forceExit: () => calls.push('forceExit'),
    toggleTimestamps: () => calls.push('timestamps'),
    togglePretty: () => calls.push('pretty'),
    clear: () => calls.push('clear'),
    textOf: (seq) => (seq === 7 ? 'héllo' : undefined),
    copy: (text) => calls.push(`copy ${text}`),
    noteCopied: (seq, note) => calls.push(`note ${seq} ${note}`),
    editDraft: () => 'edited',
    setDraft: (text) => calls.push(`draft ${text}`),
    now: () => clock,
    lastQuit: { at: 0 },
    ...over,
  };
  return { calls, deps, advance: (ms: number) => (clock += ms) };
}

describe('the effects of keys', () => {
  it('Ctrl+C closes with a note; a second one within a second forces the exit, a later one does not', () => {
    const { calls, deps, advance } = recorder();
    runKeyEffect({ type: 'quit' }, deps);
    expect(calls).toEqual(['info closing… (Ctrl+C again to force)', 'close']);
    advance(999);
    runKeyEffect({ type: 'quit' }, deps);
    expect(calls.slice(2)).toEqual(['forceExit', 'info closing… (Ctrl+C again to force)', 'close']);
    advance(1000);
    runKeyEffect({ type: 'quit' }, deps);
    expect(calls.slice(5)).not.toContain('forceExit');
  });

  it('y copies the entry and says how many bytes, in the log and in the inspector', () => {
    const { calls, deps } = recorder();
    runKeyEffect({ type: 'copy', seq: 7 }, deps);
    expect(calls).toEqual([
      'copy héllo',
      'info copied 6 B to the clipboard (OSC 52)',
      'note 7 copied 6 B to the clipboard (OSC 52)',
    ]);
  });

  it('y on an entry that has left the buffer does nothing', () => {
    const { calls, deps } = recorder();
    runKeyEffect({ type: 'copy', seq: 8 }, deps);
    expect(calls).toEqual([]);
  });

  it('Ctrl+X puts the edited text in the draft, or keeps the draft and says so when the editor fails', () => {
    const ok = recorder();
    runKeyEffect({ type: 'openEditor' }, ok.deps);
    expect(ok.calls).toEqual(['draft edited']);
    const failed = recorder({ editDraft: () => undefined });
    runKeyEffect({ type: 'openEditor' }, failed.deps);
    expect(failed.calls).toEqual(['info $EDITOR ended with an error: draft kept']);
  });

  it('submitted lines and toggles reach their handlers in the order typed', () => {
    const { calls, deps } = recorder();
    for (const effect of [
      { type: 'line', line: 'a' },
      { type: 'timestamps' },
      { type: 'pretty' },
      { type: 'clear' },
      { type: 'line', line: 'b' },
    ] as const)
      runKeyEffect(effect, deps);
    expect(calls).toEqual(['submit a', 'timestamps', 'pretty', 'clear', 'submit b']);
  });

  it('OSC 52 carries the text as base64, ended by BEL', () => {
    expect(osc52('hi ☃')).toBe(`\x1b]52;c;${Buffer.from('hi ☃').toString('base64')}\x07`);
  });
});
