import { describe, expect, it } from 'vitest';
import { canMove, SessionPhase, type Phase } from '../../src/modes/session-phase.js';

const phases: Phase[] = ['running', 'draining', 'lingering', 'ending', 'ended'];

describe('SessionPhase', () => {
  it('allows exactly the moves of a run on its way to the end, never back', () => {
    const allowed = phases.flatMap((from) =>
      phases.filter((to) => canMove(from, to)).map((to) => `${from}>${to}`),
    );
    expect(allowed).toEqual([
      'running>draining',
      'running>ending',
      'draining>lingering',
      'draining>ending',
      'lingering>ending',
      'ending>ended',
    ]);
  });

  it('goes from input to lingering to the end, the way a pipe that ran out of input does', () => {
    const phase = new SessionPhase();
    expect(phase.current).toBe('running');
    expect(phase.isAfterInput).toBe(false);
    expect(phase.moveTo('draining')).toBe(true);
    expect(phase.isAfterInput).toBe(true);
    expect(phase.moveTo('lingering')).toBe(true);
    expect(phase.isAfterInput).toBe(true);
    expect(phase.isEnding).toBe(false);
    expect(phase.moveTo('ending')).toBe(true);
    expect(phase.isEnding).toBe(true);
    expect(phase.isAfterInput).toBe(false);
    expect(phase.moveTo('ended')).toBe(true);
    expect(phase.isEnding).toBe(true);
  });

  it('lets the first decision to end win: a second end, or input ending while closing, changes nothing', () => {
    const phase = new SessionPhase();
    expect(phase.moveTo('ending')).toBe(true);
    expect(phase.moveTo('ending')).toBe(false);
    expect(phase.moveTo('draining')).toBe(false);
    expect(phase.moveTo('lingering')).toBe(false);
    expect(phase.current).toBe('ending');
  });

  it('does not linger before input has ended, nor end twice after the outcome is out', () => {
    const phase = new SessionPhase();
    expect(phase.moveTo('lingering')).toBe(false);
    expect(phase.moveTo('ended')).toBe(false);
    expect(phase.current).toBe('running');
    phase.moveTo('ending');
    phase.moveTo('ended');
    expect(phase.moveTo('ending')).toBe(false);
    expect(phase.current).toBe('ended');
  });

  it('keeps draining when input is said to end a second time', () => {
    const phase = new SessionPhase();
    phase.moveTo('draining');
    expect(phase.moveTo('draining')).toBe(false);
    expect(phase.current).toBe('draining');
  });
});
