// The key table as text: the `?` panel, the hint line under the screen and docs/keys.md.

import { keyTable, type KeyContext } from './key-table.js';

/** Which bindings a focus shows, and what the panel calls it. */
export type HelpTopic = 'input' | 'log' | 'inspector' | 'prompt';

const topics: Record<HelpTopic, { title: string; contexts: KeyContext[] }> = {
  input: { title: 'input line', contexts: ['input', 'editing'] },
  log: { title: 'log', contexts: ['log'] },
  inspector: { title: 'message', contexts: ['inspector'] },
  prompt: { title: 'filter', contexts: ['prompt', 'editing'] },
};

/** One help line: the keys as the user presses them and what they do. */
export interface HelpLine {
  keys: string[];
  help: string;
}

const keysOf = (keys: object) => Object.keys(keys);

/** The help lines of one context, in table order. */
export function helpLines(context: KeyContext): HelpLine[] {
  return keyTable.filter((b) => b.context === context).map((b) => ({ keys: keysOf(b.keys), help: b.help }));
}

/** What the `?` panel shows for a topic: its title, its lines, and the keys valid anywhere. */
export function helpPanel(topic: HelpTopic): { title: string; lines: HelpLine[]; anywhere: string } {
  const { title, contexts } = topics[topic];
  const anywhere = keyTable
    .filter((b) => b.context === 'anywhere')
    .map((b) => `${keysOf(b.keys).join(' ')} ${b.hint ?? b.help}`)
    .join(' · ');
  return { title, lines: contexts.flatMap(helpLines), anywhere };
}

/** The hint names one key per action (↑↓ PgUp PgDn, not also j k): the `?` panel lists the rest. */
function firstKeyPerAction(keys: Readonly<Record<string, string | undefined>>): string[] {
  const seen = new Set<string | undefined>();
  return Object.entries(keys).flatMap(([key, action]) => {
    if (action !== undefined && seen.has(action)) return [];
    seen.add(action);
    return [key];
  });
}

const hintContexts: Record<'input' | 'log' | 'filter' | 'search' | 'inspector' | 'help', KeyContext[]> = {
  input: ['input', 'anywhere'],
  log: ['log'],
  filter: ['prompt'],
  search: ['prompt'],
  inspector: ['inspector'],
  help: ['help'],
};

/** The last line of the screen: the keys that matter in this focus, from the bindings that carry a hint. */
export function hintFor(focus: keyof typeof hintContexts, isLens: boolean): string {
  const hints = hintContexts[focus].flatMap((context) =>
    keyTable
      .filter((b) => b.context === context && b.hint !== undefined && (isLens || !b.isHintLensOnly))
      .map((b) => `${firstKeyPerAction(b.keys).join(' ').replace('↑ ↓', '↑↓')} ${b.hint}`),
  );
  // The filter and search prompts take a pattern: the hint says what one looks like.
  if (focus === 'filter' || focus === 'search')
    hints.unshift('a regex or json PATH == VALUE (! in front: inverse)');
  return hints.join(' · ');
}

const contextTitles: Record<KeyContext, string> = {
  anywhere: 'Anywhere',
  input: 'In the input line',
  editing: 'Editing (the input line and the filter or search being typed)',
  log: 'In the log (Tab from the input line)',
  prompt: 'In the filter or search being typed (/ or s in the log)',
  inspector: 'In the open message (Enter in the log)',
  help: 'In the key help (? in the log)',
};

/** docs/keys.md, generated from the key table (npm run docs:keys); a test keeps the committed file equal. */
export function keysMarkdown(): string {
  const out = [
    '# Keys in the interactive session',
    '',
    '<!-- Generated from src/ui/keys/key-table.ts by `npm run docs:keys`: edit the table, not this file. -->',
    '',
    'The full-screen session has a log (the lens) above an input line; Tab moves between them and `?` in',
    'the log lists the keys of the focus. With `--inline` only the input line and the keys valid anywhere',
    'apply. Every key of a read is handled: text and a Ctrl+C that arrive in one read type the text, then quit.',
  ];
  const contexts = [...new Set(keyTable.map((b) => b.context))];
  for (const context of contexts) {
    out.push('', `## ${contextTitles[context]}`, '', '| keys | what they do |', '| --- | --- |');
    for (const line of helpLines(context))
      out.push(`| ${line.keys.map(code).join(' ')} | ${line.help.replace(/\|/g, '\\|')} |`);
  }
  return `${out.join('\n')}\n`;
}

/** A key in backticks, safe when the key is a backtick or a pipe. */
function code(key: string): string {
  if (key === '|') return '`\\|`';
  return key.includes('`') ? `\`\` ${key} \`\`` : `\`${key}\``;
}
