// docs/flags.md, written from the flag tables: `npm run docs:flags` saves it, and a test fails when the
// committed file differs, so the reference cannot drift from --help.

import { commandFlags, type CommandName } from './command-flags.js';
import { clientFlags, type FlagSpec, type ValueKind } from './flags.js';

const kinds: Record<ValueKind, string> = {
  duration: 'duration',
  'duration-or-zero': 'duration, 0 = off',
  size: 'size',
  count: 'whole number > 0',
  port: 'port 0-65535',
};

const modeNames = { interactive: 'session', pipe: 'pipe', script: 'script' } as const;

/** Text for a table cell: no line breaks, `|` escaped, angle brackets shown rather than read as HTML. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\s+/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/\|/g, '\\|')}\``;
}

function valueOf(spec: FlagSpec): string {
  if (spec.choices) return spec.choices.join(', ');
  return spec.value ? kinds[spec.value] : '';
}

function defaultOf(spec: FlagSpec): string {
  if (spec.default === undefined) return '';
  return typeof spec.default === 'string' ? code(spec.default) : code(JSON.stringify(spec.default));
}

function notes(spec: FlagSpec): string {
  const parts: string[] = [];
  if (spec.isRepeatable || spec.expectation) parts.push('repeatable');
  if (spec.modes) parts.push(`only in ${spec.modes.map((m) => modeNames[m]).join(', ')}`);
  if (spec.sharedWith) parts.push(`also ${spec.sharedWith.map((c) => `wsx ${c}`).join(', ')}`);
  return parts.join('; ');
}

function profileOf(spec: FlagSpec): string {
  const key = spec.profile;
  if (!key) return '';
  return `${code(key.section ? `${key.section}.${key.key}` : key.key)} (${key.type})`;
}

function table(specs: readonly FlagSpec[], withProfile: boolean): string[] {
  const head = withProfile
    ? ['| Flag | Value | Default | Description | Notes | Profile key |', '|---|---|---|---|---|---|']
    : ['| Flag | Value | Default | Description |', '|---|---|---|---|'];
  const rows = specs
    .filter((spec) => !spec.isHidden)
    .map((spec) => {
      const cells = [code(spec.flags), cell(valueOf(spec)), defaultOf(spec), cell(spec.help)];
      if (withProfile) cells.push(cell(notes(spec)), profileOf(spec));
      return `| ${cells.join(' | ')} |`;
    });
  return [...head, ...rows];
}

const commandTitles: Record<CommandName, string> = {
  run: 'wsx run [options] <file...>',
  load: 'wsx load [options] <url>',
  'load merge': 'wsx load merge [options] <file...>',
  serve: 'wsx serve [options]',
  scenario: 'wsx scenario [options] <file>',
  'profiles add': 'wsx profiles add [options] <name> [url]',
  completion: 'wsx completion [shell]',
};

/** The whole of docs/flags.md. */
export function flagsMarkdown(): string {
  const lines = [
    '# Flags',
    '',
    '<!-- Generated from src/cli/flags.ts and src/cli/command-flags.ts by `npm run docs:flags`. Do not edit. -->',
    '',
    'Every flag of wsx, as `wsx --help` and `wsx COMMAND --help` list them. Durations take ms, s, m or h',
    '(500ms, 5s, 2m; a bare number means seconds); sizes take k, M or G (512k, 64M). "Only in" names the modes',
    'a flag does something in (session: the interactive session; pipe; script: -x/--expect); given in another',
    'mode it is ignored with a warning. "Profile key" is where `wsx profiles add` saves it (docs/profiles.md).',
    '',
    '## `wsx [options] <url>`',
  ];
  const groups = [...new Set(clientFlags.map((spec) => spec.group ?? 'Other:'))];
  for (const group of groups) {
    lines.push('', `### ${group.replace(/:$/, '')}`, '');
    lines.push(
      ...table(
        clientFlags.filter((spec) => (spec.group ?? 'Other:') === group),
        true,
      ),
    );
  }
  for (const [name, specs] of Object.entries(commandFlags) as [CommandName, readonly FlagSpec[]][]) {
    if (specs.every((spec) => spec.isHidden)) continue;
    lines.push('', `## \`${commandTitles[name]}\``, '');
    const shared = clientFlags.filter((spec) => spec.sharedWith?.includes(name as never));
    if (shared.length > 0)
      lines.push(
        `Also takes the client's ${shared.map((spec) => code(/--[\w-]+/.exec(spec.flags)![0])).join(', ')} (above).`,
        '',
      );
    lines.push(...table(specs, false));
  }
  return `${lines.join('\n')}\n`;
}
