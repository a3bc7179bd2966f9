// Every key binding of the session, once: the reducer (session-keys.ts) looks keys up here, the `?` panel and
// the hint line print it, and docs/keys.md is generated from it (npm run docs:keys), so the three cannot drift.

import type { Key, KeyName } from './decode-keys.js';

/**
 * Where a binding works. `editing` is shared by the input line and the filter/search prompt; `anywhere`
 * is looked up first, whatever has the focus.
 */
export type KeyContext = 'anywhere' | 'input' | 'editing' | 'log' | 'prompt' | 'inspector' | 'help';

/** What a key does; session-keys.ts gives each one its meaning. */
export type KeyAction =
  | 'quit'
  | 'toggleTimestamps'
  | 'togglePretty'
  | 'clearLog'
  | 'submit'
  | 'newLine'
  | 'historyPrevious'
  | 'historyNext'
  | 'openEditor'
  | 'completeOrFocusLog'
  | 'cursorLeft'
  | 'cursorRight'
  | 'wordLeft'
  | 'wordRight'
  | 'lineStart'
  | 'lineEnd'
  | 'deleteBack'
  | 'deleteWordBack'
  | 'deleteForward'
  | 'deleteToStart'
  | 'deleteToEnd'
  | 'selectPrevious'
  | 'selectNext'
  | 'selectPageUp'
  | 'selectPageDown'
  | 'selectOldest'
  | 'follow'
  | 'openFilter'
  | 'openSearch'
  | 'nextHit'
  | 'previousHit'
  | 'clearFilterAndSearch'
  | 'inspect'
  | 'copy'
  | 'editEntry'
  | 'showHelp'
  | 'focusInput'
  | 'keepPattern'
  | 'clearPattern'
  | 'scrollUp'
  | 'scrollDown'
  | 'scrollPageUp'
  | 'scrollPageDown'
  | 'scrollTop'
  | 'scrollBottom'
  | 'closeInspector'
  | 'closeHelp';

/**
 * One line of help and the keys it covers. `keys` maps each key, written as the help shows it ('Ctrl+X',
 * '↑', 'PgDn', 'Shift+Tab', 'j', 'any key'), to its action; a key mapped to undefined is typed text the
 * line handles itself (a slash command), listed for the help only.
 */
export interface KeyBinding {
  context: KeyContext;
  keys: Readonly<Record<string, KeyAction | undefined>>;
  help: string;
  /** A short label for the hint line under the screen, when the binding is worth a place there. */
  hint?: string;
  /** The hint only makes sense in the full-screen lens (there is no log to focus inline). */
  isHintLensOnly?: boolean;
}

// One binding a line reads as the table it is; wrapped by the formatter it would be 200 lines of braces.
// prettier-ignore
export const keyTable: readonly KeyBinding[] = [
  { context: 'anywhere', keys: { 'Ctrl+C': 'quit' }, help: 'close with 1000 and quit (twice within a second: quit at once)', hint: 'quit' },
  { context: 'anywhere', keys: { 'Ctrl+T': 'toggleTimestamps' }, help: 'timestamps on / off' },
  { context: 'anywhere', keys: { 'Ctrl+O': 'togglePretty' }, help: 'pretty JSON on / off' },
  { context: 'anywhere', keys: { 'Ctrl+L': 'clearLog' }, help: 'clear the log' },

  { context: 'input', keys: { Enter: 'submit' }, help: 'send (a paste is one message, newlines included)', hint: 'send' },
  { context: 'input', keys: { 'Alt+Enter': 'newLine' }, help: 'new line in the message (so does a line ending in \\ then Enter)', hint: 'new line' },
  { context: 'input', keys: { '↑': 'historyPrevious', '↓': 'historyNext' }, help: 'history', hint: 'history' },
  { context: 'input', keys: { 'Ctrl+X': 'openEditor' }, help: 'edit the draft in $VISUAL or $EDITOR (default vi)', hint: '$EDITOR' },
  { context: 'input', keys: { Tab: 'completeOrFocusLog' }, help: 'focus the log (after /send or /save: complete a saved name)', hint: 'log', isHintLensOnly: true },
  { context: 'input', keys: { '/help': undefined }, help: 'slash commands', hint: 'commands' },

  { context: 'editing', keys: { '←': 'cursorLeft', '→': 'cursorRight', 'Ctrl+B': 'cursorLeft', 'Ctrl+F': 'cursorRight' }, help: 'move the cursor' },
  { context: 'editing', keys: { 'Ctrl+←': 'wordLeft', 'Ctrl+→': 'wordRight', 'Alt+←': 'wordLeft', 'Alt+→': 'wordRight', 'Alt+B': 'wordLeft', 'Alt+F': 'wordRight' }, help: 'move by word' },
  { context: 'editing', keys: { Home: 'lineStart', End: 'lineEnd', 'Ctrl+A': 'lineStart', 'Ctrl+E': 'lineEnd' }, help: 'start / end of the line' },
  { context: 'editing', keys: { Backspace: 'deleteBack' }, help: 'delete the character before the cursor' },
  { context: 'editing', keys: { 'Ctrl+W': 'deleteWordBack', 'Ctrl+Backspace': 'deleteWordBack', 'Alt+Backspace': 'deleteWordBack' }, help: 'delete the word before the cursor' },
  { context: 'editing', keys: { Delete: 'deleteForward', 'Ctrl+D': 'deleteForward' }, help: 'delete the character under the cursor' },
  { context: 'editing', keys: { 'Ctrl+U': 'deleteToStart', 'Ctrl+K': 'deleteToEnd' }, help: 'delete to the start / end of the line' },

  { context: 'log', keys: { '↑': 'selectPrevious', '↓': 'selectNext', j: 'selectNext', k: 'selectPrevious', PgUp: 'selectPageUp', PgDn: 'selectPageDown' }, help: 'select (pauses following)', hint: 'select' },
  { context: 'log', keys: { Home: 'selectOldest', g: 'selectOldest' }, help: 'the oldest (pauses following)' },
  { context: 'log', keys: { End: 'follow', G: 'follow' }, help: 'the newest, and follow new messages again', hint: 'follow' },
  { context: 'log', keys: { '/': 'openFilter' }, help: 'filter: a regex or json PATH == VALUE, ! in front for the inverse', hint: 'filter' },
  { context: 'log', keys: { s: 'openSearch', n: 'nextHit', N: 'previousHit' }, help: 'search, then next / previous match', hint: 'search' },
  { context: 'log', keys: { Esc: 'clearFilterAndSearch' }, help: 'clear the filter and search' },
  { context: 'log', keys: { Enter: 'inspect' }, help: 'open the message in full', hint: 'open' },
  { context: 'log', keys: { y: 'copy' }, help: 'copy it (OSC 52)', hint: 'copy' },
  { context: 'log', keys: { e: 'editEntry' }, help: 'put it into the input line to edit and re-send', hint: 'edit' },
  { context: 'log', keys: { '?': 'showHelp' }, help: 'these keys', hint: 'keys' },
  { context: 'log', keys: { Tab: 'focusInput', 'Shift+Tab': 'focusInput' }, help: 'focus the input line', hint: 'input' },

  { context: 'prompt', keys: { Enter: 'keepPattern', Tab: 'keepPattern' }, help: 'keep the pattern, back to the log', hint: 'keep' },
  { context: 'prompt', keys: { Esc: 'clearPattern' }, help: 'clear it', hint: 'clear' },

  { context: 'inspector', keys: { '↑': 'scrollUp', '↓': 'scrollDown', k: 'scrollUp', j: 'scrollDown' }, help: 'scroll', hint: 'scroll' },
  { context: 'inspector', keys: { PgUp: 'scrollPageUp', PgDn: 'scrollPageDown', Space: 'scrollPageDown', Home: 'scrollTop', End: 'scrollBottom' }, help: 'scroll by page, to the top / bottom' },
  { context: 'inspector', keys: { y: 'copy' }, help: 'copy (OSC 52)', hint: 'copy' },
  { context: 'inspector', keys: { e: 'editEntry' }, help: 'edit and re-send', hint: 'edit and re-send' },
  { context: 'inspector', keys: { '?': 'showHelp' }, help: 'these keys' },
  { context: 'inspector', keys: { Esc: 'closeInspector', q: 'closeInspector', Enter: 'closeInspector' }, help: 'close', hint: 'close' },

  { context: 'help', keys: { 'any key': 'closeHelp' }, help: 'close this help', hint: 'closes' },
];

/** A key as a binding names it, parsed: a named key or a character, and the modifiers it needs. */
interface KeySpec {
  name: KeyName | 'any';
  char?: string;
  ctrl: boolean;
  meta: boolean;
}

const keyNames: Record<string, KeyName> = {
  Enter: 'enter',
  Tab: 'tab',
  'Shift+Tab': 'backtab',
  Esc: 'escape',
  Backspace: 'backspace',
  Delete: 'delete',
  '↑': 'up',
  '↓': 'down',
  '←': 'left',
  '→': 'right',
  Home: 'home',
  End: 'end',
  PgUp: 'pageUp',
  PgDn: 'pageDown',
};

/** Parses 'Ctrl+X', 'Alt+←', 'Shift+Tab', 'j', 'Space', 'any key'; throws on a name the table misspells. */
export function parseKeySpec(spec: string): KeySpec {
  if (spec === 'any key') return { name: 'any', ctrl: false, meta: false };
  if (keyNames[spec]) return { name: keyNames[spec], ctrl: false, meta: false };
  const match = /^((?:Ctrl\+|Alt\+)*)(.+)$/.exec(spec)!;
  const ctrl = match[1]!.includes('Ctrl+');
  const meta = match[1]!.includes('Alt+');
  const rest = match[2]!;
  const name = keyNames[rest];
  if (name) return { name, ctrl, meta };
  if (rest === 'Space') return { name: 'char', char: ' ', ctrl, meta };
  if ([...rest].length !== 1) throw new Error(`key table: cannot read the key "${spec}"`);
  // A terminal sends Ctrl+X and Alt+B as the lower-case letter with a modifier.
  return { name: 'char', char: ctrl || meta ? rest.toLowerCase() : rest, ctrl, meta };
}

/**
 * Whether `key` is `spec`. A named key needs the modifiers the spec names and ignores the others (↑ with
 * Ctrl still moves the selection); a character with no modifier in its spec must come without Ctrl or Alt,
 * so Ctrl+J is not j.
 */
function matches(spec: KeySpec, key: Key & { kind: 'key' }): boolean {
  if (spec.name === 'any') return true;
  if (spec.name !== key.name) return false;
  if ((spec.ctrl && !key.ctrl) || (spec.meta && !key.meta)) return false;
  if (spec.name !== 'char') return true;
  if (!spec.ctrl && !spec.meta && (key.ctrl || key.meta)) return false;
  return spec.char === key.char;
}

/** The table's keys, parsed once, in table order. */
const parsedKeys = keyTable.flatMap((binding) =>
  Object.entries(binding.keys).flatMap(([spec, action]) =>
    action === undefined ? [] : [{ context: binding.context, spec: parseKeySpec(spec), action }],
  ),
);

/**
 * The action `key` is bound to in `context`, or undefined. When several bindings match (Alt+← and ←), the
 * one naming more modifiers wins.
 */
export function actionFor(context: KeyContext, key: Key & { kind: 'key' }): KeyAction | undefined {
  let best: { action: KeyAction; modifiers: number } | undefined;
  for (const { context: where, spec, action } of parsedKeys) {
    if (where !== context || !matches(spec, key)) continue;
    const modifiers = Number(spec.ctrl) + Number(spec.meta);
    if (!best || modifiers > best.modifiers) best = { action, modifiers };
  }
  return best?.action;
}
