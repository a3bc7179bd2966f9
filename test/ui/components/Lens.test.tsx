import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { cleanupAfterEach, serverUntilCleanup } from '../../helpers/cleanup.js';
import { renderApp } from '../../helpers/app.js';
import { SessionStore } from '../../../src/ui/session/session-store.js';
import { Connection } from '../../../src/core/connection.js';
import { until, type TestServer } from '../../helpers/servers.js';
import { stateReached } from '../../helpers/connection.js';
import { frameShows, stripAnsi, waitForOutput } from '../../helpers/ink.js';
import { columnsOf, InputLine, inputRows } from '../../../src/ui/components/InputLine.js';
import { createEditor } from '../../../src/ui/keys/line-editor.js';
import type { AppProps } from '../../../src/ui/App.js';
import { viewportEntries } from '../../../src/ui/components/Lens.js';

const defer = cleanupAfterEach();

async function mountLens(
  opts: { maxEntries?: number; editor?: string; props?: Partial<AppProps>; rows?: number } = {},
) {
  const server = await serverUntilCleanup(defer, { mode: 'echo' });
  const conn = new Connection({ url: server.url, heartbeat: false, reconnect: { enabled: false } });
  const store = new SessionStore(conn, {
    showPingPong: false,
    flushMs: 5,
    logLimits: { maxEntries: opts.maxEntries ?? 10_000, maxBytes: 64 * 1024 * 1024 },
  });
  const copied: string[] = [];
  const instance = renderApp(defer, {
    conn,
    store,
    onCopy: (text) => copied.push(text),
    editor: opts.editor ?? 'false',
    ...opts.props,
  });
  await stateReached(conn, 'open');
  return { server, conn, store, instance, copied };
}

function push(server: TestServer, ...messages: string[]) {
  for (const ws of server.clients()) for (const m of messages) ws.send(m);
}

describe('the full-screen lens', () => {
  it('follows new messages; ↑ in the log pauses with "paused, N new", End follows again', async () => {
    const { server, instance } = await mountLens();
    push(server, 'first', 'second');
    await frameShows(instance, '← second');
    instance.stdin.write('\t');
    await frameShows(instance, 'End follow');
    instance.stdin.write('\x1b[A');
    await frameShows(instance, '▶ ← first');
    push(server, 'third', 'fourth');
    await frameShows(instance, 'paused, 2 new');
    instance.stdin.write('\x1b[F');
    const frame = await frameShows(instance, '── following');
    expect(frame).toContain('← fourth');
  });

  it('filters with a regex and its count, ! inverts it, Esc clears it', async () => {
    const { server, instance } = await mountLens();
    push(server, '{"type":"error","id":1}', '{"type":"tick"}', '{"type":"error","id":2}');
    await frameShows(instance, '"id":2');
    instance.stdin.write('\t/type":"error');
    let frame = await frameShows(instance, '2 matching');
    expect(frame).toContain('"id":1');
    expect(frame).not.toContain('tick');
    instance.stdin.write('\r/');
    instance.stdin.write('\x1b[H'); // Home in the prompt, then insert the ! for the inverse
    instance.stdin.write('!\r');
    frame = await frameShows(instance, '/!type":"error/');
    expect(frame).toContain('tick');
    expect(frame).not.toContain('"id":1');
    instance.stdin.write('\x1b');
    frame = await frameShows(instance, '── following ── 4 in buffer ──');
    expect(frame).toContain('"id":1');
  });

  it('opens a long message in full as pretty JSON and scrolls it; y copies it', async () => {
    const { server, instance, copied } = await mountLens();
    const long = JSON.stringify({ items: Array.from({ length: 400 }, (_, i) => ({ id: i, name: `n${i}` })) });
    expect(long.length).toBeGreaterThan(4000);
    push(server, long);
    await frameShows(instance, '← {"items"');
    instance.stdin.write('\t\r');
    let frame = await frameShows(instance, 'received text message');
    expect(frame).toMatch(/lines 1-\d+ of 1605/);
    expect(frame).toContain('"items": [');
    instance.stdin.write('\x1b[F'); // End: the last lines of the message
    frame = await frameShows(instance, '"name": "n399"');
    expect(frame).toContain('of 1605');
    instance.stdin.write('y');
    await waitForOutput(instance, 'copied');
    expect(copied).toEqual([long]);
  });

  it('shows a binary message as a hex dump in the inspector', async () => {
    const { server, instance } = await mountLens();
    for (const ws of server.clients()) ws.send(Buffer.from('\x00\x01wsx\xff', 'latin1'), { binary: true });
    await frameShows(instance, '⟨binary 6 B⟩');
    instance.stdin.write('\t\r');
    const frame = await frameShows(instance, '00000000');
    expect(frame).toContain('00000000  00 01 77 73 78 ff');
    expect(frame).toContain('|..wsx.|');
  });

  it('sends a bracketed multi-line paste as one message on Enter, and e puts a message back to re-send', async () => {
    const { server, instance } = await mountLens();
    instance.stdin.write('\x1b[200~{\r  "op": "sub",\r  "ch": [1, 2]\r}\x1b[201~');
    await frameShows(instance, '"ch": [1, 2]');
    instance.stdin.write('\r');
    await frameShows(instance, '← {⏎  "op"');
    expect(server.received).toEqual(['{\n  "op": "sub",\n  "ch": [1, 2]\n}']);
    instance.stdin.write('\te');
    await frameShows(instance, '"op": "sub",');
    instance.stdin.write('\r');
    await waitForOutput(instance, '2 sent');
    await until(
      () => server.received.length === 2,
      3000,
      () => `received ${server.received.length}`,
    );
    expect(server.received[1]).toBe(server.received[0]);
  });

  it('keeps at most --scrollback entries and says how many left the buffer', async () => {
    const { server, instance } = await mountLens({ maxEntries: 5 });
    push(server, ...Array.from({ length: 12 }, (_, i) => `m${i}`));
    const frame = await frameShows(instance, '← m11');
    await frameShows(instance, '5 in buffer');
    // connected + 12 messages = 13 entries; 5 kept.
    expect(await frameShows(instance, '8 dropped from buffer')).toContain('5 in buffer');
    expect(frame).not.toContain('← m6');
  });

  it('searches with s, counts the hits inside the filter, and n jumps to them', async () => {
    const { server, instance } = await mountLens();
    push(server, 'alpha 1', 'beta 1', 'alpha 2', 'beta 2', 'alpha 3');
    await frameShows(instance, '← alpha 3');
    instance.stdin.write('\tsalpha\r');
    await frameShows(instance, 'search alpha 3 hits');
    instance.stdin.write('n');
    expect(await frameShows(instance, '▶ ← alpha 1')).toContain('paused');
    instance.stdin.write('n');
    let frame = await frameShows(instance, '▶ ← alpha 2');
    expect(frame).toContain('paused');
    // A filter narrows the search: hits are counted among what the filter lets through.
    instance.stdin.write('/[23]\r');
    frame = await frameShows(instance, 'search alpha 2 hits');
    expect(frame).toContain('3 matching');
  });

  it('shows the keys valid in the focus on ?', async () => {
    const { instance } = await mountLens();
    instance.stdin.write('\t?');
    const frame = await frameShows(instance, 'Keys in the log');
    expect(frame).toContain('filter: a regex or json PATH == VALUE, ! in front for the inverse');
    expect(frame).toContain('copy it (OSC 52)');
  });
});

/** Columns a line takes on screen, per grapheme (👩‍💻 is one, two columns wide). */
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const columns = (line: string) =>
  [...graphemes.segment(line)].reduce((n, { segment }) => n + columnsOf([...segment][0]!), 0);

describe('Ctrl+X', () => {
  it('opens the editor on the draft and puts the edited text back, to send with Enter', async () => {
    // A stand-in editor that edits the file it is given and exits 0.
    const { server, instance } = await mountLens({
      editor: "sed -i -e 's/draft/edited/' -e '$a second line'",
    });
    instance.stdin.write('my draft\x18');
    await frameShows(instance, 'my edited');
    instance.stdin.write('\r');
    await until(
      () => server.received.length === 1,
      3000,
      () => 'nothing sent',
    );
    expect(server.received).toEqual(['my edited\nsecond line']);
  });

  it('keeps the draft when the editor fails', async () => {
    const { instance } = await mountLens({ editor: 'false' });
    instance.stdin.write('keep me\x18');
    const frame = await frameShows(instance, '$EDITOR ended with an error');
    expect(frame).toContain('› keep me');
  });
});

describe('viewportEntries', () => {
  const heights = (hs: number[]) => (i: number) => hs[i]!;
  it('following: the newest entries fill the view from the bottom, the oldest shown may be cut', () => {
    expect(viewportEntries(0, 3, true, 4, 4, heights([1, 3, 1, 1]))).toEqual({ first: 1, last: 3 });
    expect(viewportEntries(0, 2, true, 10, 3, heights([1, 1, 1]))).toEqual({ first: 0, last: 2 });
  });

  it('paused: keeps the selected entry in view, moving as little as possible', () => {
    // Selecting below the view scrolls just far enough for the whole entry.
    expect(viewportEntries(0, 3, false, 4, 6, heights([2, 2, 2, 2, 2, 2]))).toEqual({ first: 2, last: 3 });
    // Selecting above it puts the selected entry on top.
    expect(viewportEntries(4, 1, false, 4, 6, heights([2, 2, 2, 2, 2, 2]))).toEqual({ first: 1, last: 2 });
    // Within the view: nothing moves.
    expect(viewportEntries(1, 2, false, 6, 8, heights([1, 1, 1, 1, 1, 1, 1, 1]))).toEqual({
      first: 1,
      last: 6,
    });
    // Near the end the view is filled by moving up, never left half empty.
    expect(viewportEntries(5, 5, false, 4, 6, heights([1, 1, 1, 1, 1, 1]))).toEqual({ first: 2, last: 5 });
    // An entry taller than the view is still the one shown.
    expect(viewportEntries(0, 1, false, 3, 3, heights([1, 5, 1]))).toEqual({ first: 1, last: 1 });
  });
});

describe('the lens shows what it is asked to', () => {
  it('shows /help as lines, one command a row, not one row joined with ⏎', async () => {
    const { instance } = await mountLens();
    instance.stdin.write('/help\r');
    const frame = await frameShows(instance, '/reconnect');
    const rows = frame.split('\n');
    expect(frame).not.toContain('⏎');
    expect(rows.filter((r) => r.includes('/ping [data]'))).toHaveLength(1);
    expect(rows.filter((r) => r.includes('/ping [data]') && r.includes('/close'))).toHaveLength(0);
    expect(rows.some((r) => /^ +\/close \[code \[reason\]\] +close the connection/.test(r))).toBe(true);
  });

  it('shows /saved as one row per saved message', async () => {
    const saved = [
      { name: 'login', text: '{"op":"login"}', source: 'global' },
      { name: 'sub', text: '{"op":"subscribe"}', source: 'project' },
    ];
    const { instance } = await mountLens({
      props: { messages: { list: () => saved, render: () => '', save: () => ({ source: 'global' }) } },
    });
    instance.stdin.write('/saved\r');
    const frame = await frameShows(instance, '{"op":"subscribe"}');
    expect(frame).not.toContain('⏎');
    expect(frame).toMatch(/· login +global +\{"op":"login"\}\n +sub +project +\{"op":"subscribe"\}/);
  });

  it('Ctrl+O shows JSON messages pretty-printed over several rows, and on one row again', async () => {
    const { server, instance } = await mountLens();
    push(server, '{"op":"order","qty":3}', 'plain text');
    await frameShows(instance, '← plain text');
    instance.stdin.write('\x0f');
    let frame = await frameShows(instance, 'pretty JSON on');
    expect(frame).toMatch(/← \{\n +"op": "order",\n +"qty": 3\n +\}/);
    expect(frame).toContain('← plain text');
    instance.stdin.write('/pretty\r');
    frame = await frameShows(instance, 'pretty JSON off');
    expect(frame).toContain('← {"op":"order","qty":3}');
  });

  it('keeps the selected entry in view when entries take several rows', async () => {
    const { server, instance } = await mountLens({
      props: { format: { showTimestamps: false, isPretty: true } },
    });
    push(server, ...Array.from({ length: 12 }, (_, i) => `{"n":${i},"x":1}`));
    await frameShows(instance, '"n": 11');
    instance.stdin.write('\t');
    await frameShows(instance, 'End follow');
    for (let i = 0; i < 11; i++) instance.stdin.write('\x1b[A');
    const frame = await frameShows(instance, 'paused');
    expect(frame).toMatch(/▶ ← \{\n +"n": 0,/);
  });

  it('shows a binary message as text when it is readable UTF-8, as hex when not; opened, as hex', async () => {
    const { server, instance } = await mountLens();
    for (const ws of server.clients()) {
      ws.send(Buffer.from('héllo binary'), { binary: true });
      ws.send(Buffer.from([0x01, 0x02, 0x41]), { binary: true });
      ws.send(Buffer.from([0x00, 0xff, 0x10]), { binary: true });
    }
    const frame = await frameShows(instance, '⟨binary 3 B⟩ 00 ff 10');
    expect(frame).toContain('← ⟨binary 13 B⟩ héllo binary');
    expect(frame).toContain('← ⟨binary 3 B⟩ 01 02 41');
    instance.stdin.write('\t\x1b[A\x1b[A\r');
    const opened = await frameShows(instance, '00000000');
    expect(opened).toContain('00000000  68 c3 a9 6c 6c 6f 20 62');
  });

  it('with --binary, sends typed lines as binary frames (hex with --input-format hex)', async () => {
    const { server, instance } = await mountLens({ props: { binaryInput: 'raw' } });
    instance.stdin.write('hello\r');
    await until(
      () => server.received.length === 1,
      3000,
      () => `server got ${JSON.stringify(server.received)}`,
    );
    expect(server.received).toEqual(['<binary 5>']);
    await frameShows(instance, '→ ⟨binary 5 B⟩ hello');
    const hex = await mountLens({ props: { binaryInput: 'hex' } });
    hex.instance.stdin.write('00ff10\r');
    hex.instance.stdin.write('zz\r');
    await frameShows(hex.instance, 'not sent');
    await until(
      () => hex.server.received.length === 1,
      3000,
      () => `server got ${JSON.stringify(hex.server.received)}`,
    );
    expect(hex.server.received).toEqual(['<binary 3>']);
    expect(stripAnsi(hex.instance.lastFrame() ?? '')).toContain('not sent: "zz" is not hex');
  });
});

describe('wide characters and emoji', () => {
  it('keep every row of the lens within the terminal width, cut rather than wrapped', async () => {
    const { server, instance } = await mountLens();
    push(server, `${'日本語'.repeat(60)}🎉`, `emoji ${'👩‍💻🎉'.repeat(40)} end`);
    const frame = await frameShows(instance, '← emoji');
    const rows = frame.split('\n');
    // Cut to the width, not wrapped onto the next row: the message's last character is not on screen.
    expect(rows.filter((l) => l.includes('日本語'))).toHaveLength(1);
    expect(frame).not.toContain('本語🎉');
    // ink-testing-library's terminal is 100 columns wide.
    for (const row of rows) expect(columns(row)).toBeLessThanOrEqual(100);
    expect(rows[0]).toMatch(/^● open/);
  });

  it('wrap the input line by columns, a wide character never split across rows', () => {
    expect(inputRows('日本語日本', 4)).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
    ]);
    expect(inputRows('ab\n\ncd', 10)).toEqual([
      [0, 2],
      [3, 3],
      [4, 6],
    ]);
  });
});

describe('InputLine without colour', () => {
  it('draws the cursor as _ at the end and | before a character, with no inverse video', () => {
    const at = (text: string, cursor: number) =>
      render(
        <InputLine editor={{ ...createEditor(), text, cursor }} isOpen hasColour={false} />,
      ).lastFrame() ?? '';
    expect(at('abc', 3)).toContain('› abc_');
    expect(at('abc', 1)).toContain('› a|bc');
    expect(at('abc', 1)).not.toContain('\x1b[7m');
  });
});
