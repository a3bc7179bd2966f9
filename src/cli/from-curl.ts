// --from-curl: a curl command line as browsers' DevTools "Copy as cURL" writes it (bash quoting: '…',
// $'…', "…", backslash line continuations) → the URL, headers, cookies and credentials wsx sends. Headers a
// WebSocket client must make itself are dropped, and the run says which (one stderr line).

import { usage } from './flag-values.js';

export interface CurlImport {
  url: string | undefined;
  headers: string[];
  cookies: string[];
  /** -u user:pass. */
  user: string | undefined;
  /** Sec-WebSocket-Protocol values: offered again with -s. */
  subprotocols: string[];
  /** Header names dropped because the WebSocket client sets them itself. */
  dropped: string[];
  /** curl options that mean nothing for a WebSocket upgrade (a body, a method), as given. */
  ignored: string[];
  insecure: boolean;
}

/** Headers ws writes for each upgrade (a copied key or version would break the handshake). */
const ownHeaders = new Set([
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-accept',
  'upgrade',
  'connection',
  'host',
  'content-length',
]);

/** curl options that take a value and mean nothing here: skipped with their value. */
const ignoredWithValue = new Set([
  '-o', '--output', '-m', '--max-time', '--connect-timeout', '-w', '--write-out', '-r', '--range',
  '-c', '--cookie-jar', '--resolve', '--connect-to', '-x', '--proxy', '-U', '--proxy-user', '--retry',
  '--limit-rate', '-T', '--upload-file', '--cacert', '--cert', '--key', '-E', '--interface',
]); // prettier-ignore

/** curl options that carry a request body: a WebSocket upgrade has none. */
const bodyOptions = new Set([
  '-d', '--data', '--data-raw', '--data-binary', '--data-urlencode', '--data-ascii', '-F', '--form',
  '--form-string', '--json',
]); // prettier-ignore

/** Splits a bash command line into words: '…', "…", $'…', backslash escapes and line continuations. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const text = command;
  let i = 0;
  const push = (s: string) => (word = (word ?? '') + s);
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\r' ? 3 : 2;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (c === '\\') {
      push(text[i + 1] ?? '');
      i += 2;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw usage("--from-curl: a quote (') is not closed", 'paste the whole command');
      push(text.slice(i + 1, end));
      i = end + 1;
    } else if (c === '$' && text[i + 1] === "'") {
      i += 2;
      let s = '';
      for (; i < text.length && text[i] !== "'"; i++) {
        if (text[i] !== '\\') {
          s += text[i];
          continue;
        }
        const e = text[++i];
        const hex = (len: number, max: number) => {
          const m = new RegExp(`^[0-9a-fA-F]{1,${max}}`).exec(text.slice(i + 1, i + 1 + max));
          if (!m) return e!;
          i += m[0].length;
          return len === 2
            ? String.fromCharCode(parseInt(m[0], 16))
            : String.fromCodePoint(parseInt(m[0], 16));
        };
        const simple: Record<string, string> = {
          n: '\n',
          t: '\t',
          r: '\r',
          a: '\x07',
          b: '\b',
          e: '\x1b',
          f: '\f',
          v: '\v',
        };
        if (e !== undefined && e in simple) s += simple[e];
        else if (e === 'x') s += hex(2, 2);
        else if (e === 'u') s += hex(4, 4);
        else if (e === 'U') s += hex(8, 8);
        else if (e !== undefined && /[0-7]/.test(e)) {
          const m = /^[0-7]{1,3}/.exec(text.slice(i, i + 3))![0];
          s += String.fromCharCode(parseInt(m, 8));
          i += m.length - 1;
        } else s += e ?? '';
      }
      if (i >= text.length)
        throw usage("--from-curl: a $'…' string is not closed", 'paste the whole command');
      push(s);
      i++;
    } else if (c === '"') {
      i++;
      let s = '';
      for (; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && /["\\$`\n]/.test(text[i + 1] ?? '')) {
          if (text[i + 1] !== '\n') s += text[i + 1];
          i++;
        } else s += text[i];
      }
      if (i >= text.length) throw usage('--from-curl: a quote (") is not closed', 'paste the whole command');
      push(s);
      i++;
    } else {
      push(c);
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Reads a curl command line; throws a usage error when it is not one. */
export function parseCurl(command: string): CurlImport {
  const words = shellWords(command.trim());
  if (words[0] !== 'curl' && !words[0]?.endsWith('/curl'))
    throw usage(
      '--from-curl: expected a curl command line',
      "e.g. --from-curl \"curl 'wss://host/ws' -H 'Cookie: a=1'\"",
    );
  const out: CurlImport = {
    url: undefined,
    headers: [],
    cookies: [],
    user: undefined,
    subprotocols: [],
    dropped: [],
    ignored: [],
    insecure: false,
  };
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    // --name=value is not curl syntax, but -Hvalue is: split a short option from its attached value.
    const [option, attached] =
      /^-[A-Za-z]./.test(word) && !word.startsWith('--')
        ? [word.slice(0, 2), word.slice(2)]
        : [word, undefined];
    const value = () => {
      if (attached !== undefined) return attached;
      const next = words[++i];
      if (next === undefined) throw usage(`--from-curl: ${option} needs a value`);
      return next;
    };
    if (option === '-H' || option === '--header') addHeader(out, value());
    else if (option === '-b' || option === '--cookie') out.cookies.push(value());
    else if (option === '-u' || option === '--user') out.user = value();
    else if (option === '-A' || option === '--user-agent') out.headers.push(`User-Agent: ${value()}`);
    else if (option === '-e' || option === '--referer') out.headers.push(`Referer: ${value()}`);
    else if (option === '--url') out.url = value();
    else if (option === '-k' || option === '--insecure') out.insecure = true;
    else if (option === '-X' || option === '--request') {
      const method = value();
      if (method.toUpperCase() !== 'GET') out.ignored.push(`-X ${method} (an upgrade is a GET)`);
    } else if (bodyOptions.has(option)) {
      value();
      out.ignored.push(`${option} (a WebSocket upgrade has no body)`);
    } else if (ignoredWithValue.has(option)) value();
    else if (option.startsWith('-') && option !== '-') {
      // Switches such as --compressed, -s, -L, -i, --http1.1: nothing to carry over.
    } else if (out.url === undefined) out.url = word;
    else out.ignored.push(`${word} (a second URL)`);
  }
  if (out.url === undefined) throw usage('--from-curl: the curl command names no URL');
  return out;
}

function addHeader(out: CurlImport, header: string): void {
  const colon = header.indexOf(':');
  const name = colon > 0 ? header.slice(0, colon).trim() : header.replace(/;$/, '').trim();
  const value = colon > 0 ? header.slice(colon + 1).trim() : '';
  const lower = name.toLowerCase();
  if (ownHeaders.has(lower)) out.dropped.push(name);
  else if (lower === 'sec-websocket-protocol')
    out.subprotocols.push(
      ...value
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== ''),
    );
  else if (lower === 'cookie') out.cookies.push(value);
  // `-H 'Name:'` removes a header in curl and `-H 'Name;'` sends it empty: neither matters for an upgrade.
  else if (colon > 0 && value !== '') out.headers.push(`${name}: ${value}`);
}

/** The stderr line saying what was left out, or undefined when nothing was. */
export function curlNote(imported: CurlImport): string | undefined {
  const parts: string[] = [];
  if (imported.dropped.length > 0)
    parts.push(
      `dropped ${imported.dropped.join(', ')} (the WebSocket client sets ${imported.dropped.length === 1 ? 'it' : 'them'})`,
    );
  if (imported.ignored.length > 0) parts.push(`ignored ${imported.ignored.join(', ')}`);
  return parts.length > 0 ? `--from-curl: ${parts.join('; ')}` : undefined;
}

/**
 * --from-curl's command (`-`: read from stdin) merged under the flags: its headers, cookies and
 * subprotocols come before those given, -u only where no --auth source is given. Returns the stderr note.
 */
export function applyCurl<F extends CurlFlags>(
  urlArg: string | undefined,
  flags: F,
  readStdin: () => string,
): { urlArg: string; flags: F; note: string | undefined } {
  if (urlArg !== undefined)
    throw usage('--from-curl names the URL: give no URL with it', 'edit the URL in the curl command instead');
  const imported = parseCurl(flags.fromCurl === '-' ? readStdin() : flags.fromCurl!);
  const hasAuth = flags.auth !== undefined || flags.authEnv !== undefined || flags.authFile !== undefined;
  return {
    urlArg: imported.url!,
    flags: {
      ...flags,
      header: [...imported.headers, ...flags.header],
      cookie: [...imported.cookies, ...flags.cookie],
      subprotocol: [...imported.subprotocols, ...flags.subprotocol],
      ...(imported.user !== undefined && !hasAuth ? { auth: imported.user } : {}),
      ...(imported.insecure ? { insecure: true } : {}),
    },
    note: curlNote(imported),
  };
}

/** The flags applyCurl reads and fills. */
export interface CurlFlags {
  fromCurl?: string;
  header: string[];
  cookie: string[];
  subprotocol: string[];
  auth?: string;
  authEnv?: string;
  authFile?: string;
  insecure?: boolean;
}

/** What `wsx profiles add NAME --from-curl` saves in place of the command's secrets. */
export interface CurlProfile {
  url: string;
  /** Header lines, each secret one as `Name: env:VAR`. */
  header: string[];
  subprotocol: string[];
  authEnv: string | undefined;
  /** The variables the profile now reads, in order: the user sets them to the values in the command. */
  envVars: string[];
  note: string | undefined;
}

/**
 * The curl command as profile flags, every secret moved to an environment reference named after the
 * profile and the header: -H 'Authorization: …' → Authorization: env:WSX_PROD_AUTHORIZATION, the cookies
 * → Cookie: env:WSX_PROD_COOKIE, -u → --auth-env WSX_PROD_AUTH. The values are never written anywhere.
 */
export function curlForProfile(
  profileName: string,
  command: string,
  isSecretHeader: (name: string) => boolean,
): CurlProfile {
  const imported = parseCurl(command);
  const prefix = `WSX_${profileName.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_`;
  const envVar = (name: string) => prefix + name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  const envVars: string[] = [];
  const header = imported.headers.map((line) => {
    const name = line.slice(0, line.indexOf(':')).trim();
    if (!isSecretHeader(name)) return line;
    envVars.push(envVar(name));
    return `${name}: env:${envVar(name)}`;
  });
  if (imported.cookies.length > 0) {
    envVars.push(envVar('cookie'));
    header.push(`Cookie: env:${envVar('cookie')}`);
  }
  const authEnv = imported.user === undefined ? undefined : envVar('auth');
  if (authEnv) envVars.push(authEnv);
  return {
    url: imported.url!,
    header,
    subprotocol: imported.subprotocols,
    authEnv,
    envVars,
    note: curlNote(imported),
  };
}
