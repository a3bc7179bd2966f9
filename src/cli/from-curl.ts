// --from-curl: a curl command line as browsers' DevTools "Copy as cURL" writes it (bash quoting: '…',
// $'…', "…", backslash line continuations) → the URL, headers, cookies and credentials wsx sends. Headers a
// WebSocket client must make itself are dropped, and every curl option not carried over is named (one
// stderr line for both): Chrome's copy always ends in --compressed, which used to vanish silently.

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
  /**
   * curl options not carried over, in command order: the option (never its value, which may be a
   * password or a path) and, in parentheses, why or what to give wsx instead.
   */
  ignored: string[];
  insecure: boolean;
  /** -L: follow redirects (wsx's -L). */
  followRedirects: boolean;
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

/**
 * curl options that take a value and are not carried over (skipped with their value), each with what to
 * say after its name in the note ('' for nothing: curl's own output and transfer settings).
 */
const ignoredWithValue = new Map([
  ['-x', 'give wsx --proxy'], ['--proxy', 'give wsx --proxy'],
  ['-U', "give the credentials in wsx --proxy's URL"], ['--proxy-user', "give the credentials in wsx --proxy's URL"],
  ['--cacert', 'give wsx --ca'], ['-E', 'give wsx --cert'], ['--cert', 'give wsx --cert'], ['--key', 'give wsx --key'],
  ['-c', 'give wsx --cookie-jar'], ['--cookie-jar', 'give wsx --cookie-jar'],
  ['--connect-timeout', 'give wsx --connect-timeout'], ['--max-redirs', 'give wsx --max-redirects'],
  ['-m', ''], ['--max-time', ''], ['-o', ''], ['--output', ''], ['-w', ''], ['--write-out', ''], ['-r', ''],
  ['--range', ''], ['--resolve', ''], ['--connect-to', ''], ['--retry', ''], ['--retry-delay', ''],
  ['--retry-max-time', ''], ['--limit-rate', ''], ['-T', ''], ['--upload-file', ''], ['--interface', ''],
  ['-D', ''], ['--dump-header', ''], ['--trace', ''], ['--trace-ascii', ''], ['--stderr', ''], ['-K', ''],
  ['--config', ''], ['--capath', ''], ['--ciphers', ''], ['--pinnedpubkey', ''], ['--cert-type', ''],
  ['--key-type', ''], ['--pass', ''], ['--proxy-header', ''], ['--noproxy', ''], ['--unix-socket', ''],
  ['-Y', ''], ['--speed-limit', ''], ['-y', ''], ['--speed-time', ''], ['-z', ''], ['--time-cond', ''],
  ['--max-filesize', ''], ['--dns-servers', ''], ['--tls-max', ''],
]); // prettier-ignore

/** Switches not carried over whose note says more than their name (every other switch is named bare). */
const ignoredSwitches = new Map([
  ['--compressed', "an upgrade's response has no body to decompress"],
  ['--http2', 'an upgrade is HTTP/1.1'], ['--http2-prior-knowledge', 'an upgrade is HTTP/1.1'],
  ['--http3', 'an upgrade is HTTP/1.1'], ['--http3-only', 'an upgrade is HTTP/1.1'],
  ['--digest', 'wsx sends -u as Basic'], ['--ntlm', 'wsx sends -u as Basic'],
  ['--negotiate', 'wsx sends -u as Basic'], ['--anyauth', 'wsx sends -u as Basic'],
  ['-I', 'an upgrade is a GET'], ['--head', 'an upgrade is a GET'],
]); // prettier-ignore

/** Switches that say what an upgrade does anyway: carried over by doing nothing, so not named. */
const alreadySo = new Set(['--http1.1', '--basic', '--no-compressed']);

/** curl's short options that take a value (-Hvalue attaches it); any other letter is a switch. */
const shortsWithValue = 'HbuAeXdFxUEcmorwTDKYyz';

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
    followRedirects: false,
  };
  const ignore = (option: string, why: string | undefined) =>
    out.ignored.push(why ? `${option} (${why})` : option);
  for (let i = 1; i < words.length; i++) {
    // A group of short switches (-sSL, -kv) is each of them, as curl reads it.
    if (/^-[A-Za-z]{2,}$/.test(words[i]!) && !shortsWithValue.includes(words[i]![1]!))
      words.splice(i, 1, words[i]!.slice(0, 2), `-${words[i]!.slice(2)}`);
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
    else if (option === '-b' || option === '--cookie') {
      // curl reads a value without '=' as the name of a cookie file.
      const cookie = value();
      if (cookie.includes('=')) out.cookies.push(cookie);
      else ignore(`${option} ${cookie}`, 'a cookie file: give wsx --cookie-jar');
    } else if (option === '-u' || option === '--user') out.user = value();
    else if (option === '--oauth2-bearer') out.headers.push(`Authorization: Bearer ${value()}`);
    else if (option === '-A' || option === '--user-agent') out.headers.push(`User-Agent: ${value()}`);
    else if (option === '-e' || option === '--referer') out.headers.push(`Referer: ${value()}`);
    else if (option === '--url') out.url = value();
    else if (option === '-k' || option === '--insecure') out.insecure = true;
    else if (option === '-L' || option === '--location') out.followRedirects = true;
    else if (option === '-X' || option === '--request') {
      const method = value();
      if (method.toUpperCase() !== 'GET') ignore(`-X ${method}`, 'an upgrade is a GET');
    } else if (bodyOptions.has(option)) {
      value();
      ignore(option, 'a WebSocket upgrade has no body');
    } else if (ignoredWithValue.has(option)) {
      value();
      ignore(option, ignoredWithValue.get(option));
    } else if (option.startsWith('-') && option !== '-') {
      // A switch (-s, -v, --compressed …) or an option this list does not know: named, never carried over.
      if (!alreadySo.has(option)) ignore(option, ignoredSwitches.get(option));
    } else if (out.url === undefined) out.url = word;
    else ignore(word, 'a second URL');
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
      ...(imported.followRedirects ? { location: true } : {}),
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
  location?: boolean;
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
  /** -k and -L, saved as the profile's insecure and followRedirects. */
  insecure: boolean;
  location: boolean;
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
    insecure: imported.insecure,
    location: imported.followRedirects,
    note: curlNote(imported),
  };
}
