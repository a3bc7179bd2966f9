// `wsx completion bash|zsh|fish`: a completion script built from the commander program itself, so a flag
// added anywhere is completed without a second list to keep in step. Profile names change between runs:
// the script asks `wsx completion --list-profiles` for them when it completes.

import { Command, Option } from 'commander';
import { commandFlags } from './command-flags.js';
import { toOption } from './program.js';
import { protocolNames } from '../protocols/index.js';
import { configFile } from '../config/paths.js';
import { usage } from './flag-values.js';

/** One option as the scripts need it: its spellings and what its value completes to. */
interface FlagSpec {
  names: string[];
  /** none: a switch; files: a path; words: one of `words`; profiles: a profile name; any: free text. */
  value: 'none' | 'files' | 'words' | 'profiles' | 'any';
  words: string[];
}

/** A command by its path of names from the root (`['wsx', 'profiles', 'add']`). */
interface CommandSpec {
  path: string[];
  flags: FlagSpec[];
  subcommands: string[];
  /** What its positional arguments complete to. */
  operands: 'files' | 'profiles' | 'commands' | 'none';
}

const shells = ['bash', 'zsh', 'fish'] as const;

/** What a value-taking option completes to, read from its value name and choices. */
function flagSpec(option: Option): FlagSpec {
  const names = [option.short, option.long].filter((n): n is string => n !== undefined);
  const takesValue = option.required || option.optional;
  if (!takesValue) return { names, value: 'none', words: [] };
  if (option.argChoices) return { names, value: 'words', words: option.argChoices };
  if (option.long === '--proto') return { names, value: 'words', words: [...protocolNames] };
  if (option.long === '--profile') return { names, value: 'profiles', words: [] };
  // The value name says it: <file>, <file...>, <dir>, <path>.
  if (/<(file|dir)\b/i.test(option.flags)) return { names, value: 'files', words: [] };
  return { names, value: 'any', words: [] };
}

/** Every command under `cmd`, depth first, with what commander's help shows of it. */
function commandSpecs(cmd: Command, path: string[] = [cmd.name()]): CommandSpec[] {
  const help = cmd.createHelp();
  const subs = help.visibleCommands(cmd).filter((c) => c.name() !== 'help' || cmd.parent === null);
  const args = cmd.registeredArguments.map((a) => a.name());
  const operands: CommandSpec['operands'] = args.some((a) => /file/i.test(a))
    ? 'files'
    : path.join(' ') === 'wsx profiles rm'
      ? 'profiles'
      : cmd.name() === 'help'
        ? 'commands'
        : path.length === 1
          ? 'profiles'
          : 'none';
  const spec: CommandSpec = {
    path,
    flags: help.visibleOptions(cmd).map(flagSpec),
    subcommands: subs.map((c) => c.name()),
    operands,
  };
  return [spec, ...subs.flatMap((c) => commandSpecs(c, [...path, c.name()]))];
}

/** Single-quoted for the shells (bash, zsh and fish all read '…' literally except the quote itself). */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

// What bash offers for each kind of value; `$cur` is the word being completed.
const bashFiles = 'COMPREPLY=($(compgen -f -- "$cur"))';
const bashProfiles = 'COMPREPLY=($(compgen -W "$(_wsx_profiles)" -- "$cur"))';
const bashNothing = 'COMPREPLY=()';

function bashWords(words: string[]): string {
  return `COMPREPLY=($(compgen -W ${quote(words.join(' '))} -- "$cur"))`;
}

/** The `case "$cmdpath|$prev"` arm per value-taking option: what its value completes to. */
function bashValueCases(specs: CommandSpec[]): string {
  const action = (f: FlagSpec): string =>
    f.value === 'files'
      ? bashFiles
      : f.value === 'words'
        ? bashWords(f.words)
        : f.value === 'profiles'
          ? bashProfiles
          : bashNothing;
  return specs
    .flatMap((s) =>
      s.flags
        .filter((f) => f.value !== 'none')
        .map((f) => {
          const key = f.names.map((n) => quote(`${s.path.join(' ')}|${n}`)).join('|');
          return `      ${key}) ${action(f)}; return ;;`;
        }),
    )
    .join('\n');
}

/** The `case "$cmdpath"` arm of one command: its flags, `@profile` at the root, subcommands, operands. */
function bashCommandCase(s: CommandSpec, root: CommandSpec): string {
  const isRoot = s.path.length === 1;
  const operand =
    s.operands === 'files'
      ? bashFiles
      : s.operands === 'profiles' && !isRoot
        ? bashProfiles
        : s.operands === 'commands'
          ? bashWords(root.subcommands)
          : bashNothing;
  return [
    `    ${quote(s.path.join(' '))})`,
    `      if [[ $cur == -* ]]; then ${bashWords(s.flags.flatMap((f) => f.names))}`,
    isRoot
      ? `      elif [[ $cur == @* ]]; then COMPREPLY=($(compgen -P @ -W "$(_wsx_profiles)" -- "\${cur#@}"))`
      : '',
    s.subcommands.length > 0 ? `      elif [[ $sawOperand == 0 ]]; then ${bashWords(s.subcommands)}` : '',
    `      else ${operand}; fi ;;`,
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function bashScript(specs: CommandSpec[]): string {
  const root = specs[0]!;
  const pathCases = specs
    .flatMap((s) => s.subcommands.map((n) => quote(`${s.path.join(' ')} ${n}`)))
    .join('|');
  const valueCases = bashValueCases(specs);
  const commandCases = specs.map((s) => bashCommandCase(s, root)).join('\n');
  // Options that take a value, so the walk skips their values instead of reading them as subcommands.
  const valued = [
    ...new Set(specs.flatMap((s) => s.flags.filter((f) => f.value !== 'none').flatMap((f) => f.names))),
  ].join(' ');
  return `# wsx bash completion (generated by wsx completion bash from wsx's own flags)
_wsx_profiles() {
  command wsx completion --list-profiles 2>/dev/null
}
_wsx() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local cmdpath=wsx sawOperand=0 i word skip=0
  local valued=' ${valued} '
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ $skip == 1 ]]; then skip=0; continue; fi
    if [[ $word == -* ]]; then
      [[ $word != *=* && $valued == *" $word "* ]] && skip=1
      continue
    fi
    case "$cmdpath $word" in
      ${pathCases || "''"}) cmdpath="$cmdpath $word" ;;
      *) sawOperand=1 ;;
    esac
  done
  if [[ $prev == -* ]]; then
    case "$cmdpath|$prev" in
${valueCases}
    esac
  fi
  case "$cmdpath" in
${commandCases}
  esac
}
complete -o filenames -F _wsx wsx
`;
}

function zshScript(specs: CommandSpec[]): string {
  // zsh's bashcompinit runs bash completion functions as they are: one generator for both shells.
  return `#compdef wsx
# wsx zsh completion (generated by wsx completion zsh from wsx's own flags)
# (zsh's $path is PATH as an array, so the function's own variable is cmdpath.)
(( $+functions[compdef] )) || { autoload -Uz compinit && compinit -i; }
autoload -U +X bashcompinit && bashcompinit
${bashScript(specs)}`;
}

function fishScript(specs: CommandSpec[]): string {
  const lines = [
    "# wsx fish completion (generated by wsx completion fish from wsx's own flags)",
    'complete -c wsx -e',
    'function __wsx_profiles; command wsx completion --list-profiles 2>/dev/null; end',
  ];
  const top = specs[0]!.subcommands;
  for (const s of specs) {
    // The root's flags apply while no subcommand is on the line; a subcommand's once it is.
    const condition =
      s.path.length === 1
        ? `not __fish_seen_subcommand_from ${top.join(' ')}`
        : s.path
            .slice(1)
            .map((name) => `__fish_seen_subcommand_from ${name}`)
            .join('; and ') +
          (s.subcommands.length ? `; and not __fish_seen_subcommand_from ${s.subcommands.join(' ')}` : '');
    const when = `-n ${quote(condition)}`;
    for (const name of s.subcommands) lines.push(`complete -c wsx ${when} -f -a ${quote(name)}`);
    for (const f of s.flags) {
      const spell = f.names
        .map((n) => (n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`))
        .join(' ');
      const value =
        f.value === 'none'
          ? ''
          : f.value === 'files'
            ? ' -r -F'
            : f.value === 'words'
              ? ` -x -a ${quote(f.words.join(' '))}`
              : f.value === 'profiles'
                ? ` -x -a ${quote('(__wsx_profiles)')}`
                : ' -x';
      lines.push(`complete -c wsx ${when} ${spell}${value}`);
    }
    if (s.operands === 'files') lines.push(`complete -c wsx ${when} -F`);
    if (s.operands === 'profiles')
      lines.push(
        `complete -c wsx ${when} -f -a ${quote(s.path.length === 1 ? '(__wsx_profiles | sed "s/^/@/")' : '(__wsx_profiles)')}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** The completion script for `shell`, from the program as it stands (every subcommand added). */
export function completionScript(program: Command, shell: string): string {
  const specs = commandSpecs(program);
  switch (shell) {
    case 'bash':
      return bashScript(specs);
    case 'zsh':
      return zshScript(specs);
    case 'fish':
      return fishScript(specs);
    default:
      throw usage(`no completion for "${shell}"`, `use one of: ${shells.join(', ')}`);
  }
}

/** Adds `wsx completion SHELL` and its hidden `--list-profiles`, which the scripts call. */
export function addCompletionCommand(
  program: Command,
  io: { env: NodeJS.ProcessEnv; stdout: NodeJS.WritableStream },
  done: () => void,
): void {
  program
    .command('completion')
    .description('print a shell completion script: bash, zsh or fish (docs/install.md)')
    .argument('[shell]', 'bash, zsh or fish')
    .addOption(toOption(commandFlags.completion[0]!))
    .action(async (shell: string | undefined, flags: { listProfiles?: boolean }) => {
      if (flags.listProfiles) {
        const { readConfig } = await import('../config/config-file.js');
        // A broken config completes nothing rather than printing an error into the command line.
        let names: string[];
        try {
          names = Object.keys(readConfig(configFile(io.env)).profiles);
        } catch {
          names = [];
        }
        for (const name of names) io.stdout.write(`${name}\n`);
      } else {
        if (shell === undefined) throw usage('name a shell', `wsx completion ${shells.join('|')}`);
        io.stdout.write(completionScript(program, shell));
      }
      done();
    });
}
