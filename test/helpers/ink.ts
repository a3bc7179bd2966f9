// Waiting on ink-testing-library output: a write to stdin or a store update shows up a tick later.

const ansi = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g;

export function stripAnsi(text: string): string {
  return text.replace(ansi, '');
}

/** Resolves with all output so far once it contains `text`; fails after `timeoutMs` showing the last frame. */
export async function waitForOutput(
  instance: { frames: string[]; lastFrame(): string | undefined },
  text: string,
  timeoutMs = 3000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = stripAnsi(instance.frames.join(''));
    if (all.includes(text)) return all;
    if (Date.now() > deadline)
      throw new Error(
        `"${text}" not shown within ${timeoutMs} ms; last frame:\n${stripAnsi(instance.lastFrame() ?? '')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves with the last frame once it shows `text` (the lens redraws in place: older frames do not count). */
export async function frameShows(
  instance: { lastFrame(): string | undefined },
  text: string,
  timeoutMs = 3000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = stripAnsi(instance.lastFrame() ?? '');
    if (frame.includes(text)) return frame;
    if (Date.now() > deadline) throw new Error(`"${text}" not in the last frame:\n${frame}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
