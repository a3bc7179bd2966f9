// Saved messages: named texts with {{var}} and {{env.NAME}} templates, from three places. A profile's own
// messages shadow the project's (./wsx.json, committed by a team), which shadow the user's global ones.

import { WsxError } from '../core/errors.js';
import { readConfig, namePattern, type Config } from './config-file.js';
import { updateConfig } from './config-write.js';

export type MessageSource = 'profile' | 'project' | 'global';

export interface SavedMessage {
  name: string;
  /** The text as saved, templates not yet filled in. */
  text: string;
  source: MessageSource;
}

export interface MessageStoreFiles {
  /** The user's config file (configFile() in paths.ts). */
  configFile: string;
  /** The project's wsx.json (projectFile() in paths.ts); omit to read none. */
  projectFile?: string;
  /** The profile in use: its messages and vars come first, and save() writes there. */
  profile?: string;
}

/** {{name}} or {{env.NAME}}, spaces inside the braces allowed. */
const placeholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

/**
 * Fills in `text`'s placeholders: {{env.NAME}} from `env`, {{name}} from `vars`. Throws an 'invalid-option'
 * WsxError naming every placeholder without a value, so nothing half-filled is ever sent.
 */
export function renderTemplate(text: string, vars: Record<string, string>, env: NodeJS.ProcessEnv): string {
  const missing = new Set<string>();
  const out = text.replace(placeholder, (whole, name: string) => {
    const value = name.startsWith('env.')
      ? env[name.slice(4)]
      : Object.hasOwn(vars, name)
        ? vars[name]
        : undefined;
    if (value === undefined) missing.add(whole.replace(/\s+/g, ''));
    return value ?? whole;
  });
  if (missing.size > 0) throw new WsxError('invalid-option', `no value for ${[...missing].join(', ')}`);
  return out;
}

/** The saved messages one session sees. Reads every file once when created; save() re-reads before writing. */
export class MessageStore {
  private constructor(
    private readonly files: MessageStoreFiles,
    private config: Config,
    private readonly project: Config,
  ) {}

  /**
   * Reads the config file and the project file. Throws an 'invalid-option' WsxError (`FILE:LINE: problem`)
   * when either is malformed, or when `files.profile` names no profile.
   */
  static load(files: MessageStoreFiles): MessageStore {
    const config = readConfig(files.configFile);
    if (files.profile !== undefined && !Object.hasOwn(config.profiles, files.profile))
      throw new WsxError('invalid-option', `no profile "${files.profile}" in ${files.configFile}`);
    const project = files.projectFile ? readConfig(files.projectFile, { isProjectFile: true }) : undefined;
    return new MessageStore(files, config, project ?? { profiles: {}, messages: {}, vars: {} });
  }

  private profileMessages(): Record<string, string> {
    return this.files.profile === undefined ? {} : (this.config.profiles[this.files.profile]?.messages ?? {});
  }

  /** Every message this session can send, by name; a name saved in several places shows the nearest. */
  list(): SavedMessage[] {
    const byName = new Map<string, SavedMessage>();
    const layers: [MessageSource, Record<string, string>][] = [
      ['global', this.config.messages],
      ['project', this.project.messages],
      ['profile', this.profileMessages()],
    ];
    for (const [source, messages] of layers)
      for (const [name, text] of Object.entries(messages)) byName.set(name, { name, text, source });
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): SavedMessage | undefined {
    return this.list().find((m) => m.name === name);
  }

  /** Names starting with `prefix`, for Tab completion. */
  complete(prefix: string): string[] {
    return this.list()
      .map((m) => m.name)
      .filter((n) => n.startsWith(prefix));
  }

  /** Template variables, nearest first: `extra` (e.g. typed after /send), the profile's, the project's, the global ones. */
  vars(extra: Record<string, string> = {}): Record<string, string> {
    const profileVars =
      this.files.profile === undefined ? {} : this.config.profiles[this.files.profile]?.vars;
    return { ...this.config.vars, ...this.project.vars, ...profileVars, ...extra };
  }

  /** The message `name` with its placeholders filled in; throws an 'invalid-option' WsxError if it cannot be. */
  render(name: string, env: NodeJS.ProcessEnv, extraVars: Record<string, string> = {}): string {
    const message = this.get(name);
    if (!message) throw new WsxError('invalid-option', `no saved message "${name}"`);
    try {
      return renderTemplate(message.text, this.vars(extraVars), env);
    } catch (err) {
      if (err instanceof WsxError) throw new WsxError(err.kind, `message "${name}": ${err.message}`);
      throw err;
    }
  }

  /**
   * Saves `text` as `name`: in the profile in use, else among the global messages (never in the project file,
   * which the team edits by hand). Re-reads the config file first so edits made meanwhile are kept.
   */
  save(name: string, text: string): SavedMessage {
    if (!namePattern.test(name))
      throw new WsxError('invalid-option', `"${name}" is not a message name (letters, digits, _ . -)`);
    const { configFile, profile: profileName } = this.files;
    let source: MessageSource = 'global';
    this.config = updateConfig(configFile, (config) => {
      const profile = profileName === undefined ? undefined : config.profiles[profileName];
      if (profileName !== undefined && !profile)
        throw new WsxError('invalid-option', `no profile "${profileName}" in ${configFile}`);
      if (profile) profile.messages = { ...profile.messages, [name]: text };
      else config.messages = { ...config.messages, [name]: text };
      if (profile) source = 'profile';
      return config;
    });
    return { name, text, source };
  }
}
