// Keeps secrets out of anything printed: each occurrence of a secret string becomes ***.

/**
 * Secrets at least this long are masked wherever they occur. Shorter ones only where they stand alone (no
 * letter or digit right before or after): a 3-letter token "tok" must not turn "X-Token" into "X-***en",
 * while a real token is long and never part of an ordinary word.
 */
const maskAnywhereLength = 8;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

function maskOne(text: string, secret: string): string {
  if (secret.length >= maskAnywhereLength) return text.split(secret).join('***');
  let out = '';
  let from = 0;
  for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) {
    if (at < from) continue;
    if (isWordChar(text[at - 1]) || isWordChar(text[at + secret.length])) continue;
    out += `${text.slice(from, at)}***`;
    from = at + secret.length;
  }
  return out + text.slice(from);
}

/** Returns `text` with every string in `secrets` replaced by ***; longer secrets are masked first. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length))
    if (secret) out = maskOne(out, secret);
  return out;
}

/**
 * Query parameters whose values are credentials: matched case-insensitively against the
 * whole name or its last `_`/`-`/`.` part, so `id_token`, `client_secret` and `X-Amz-Signature` count.
 */
export const secretParamNames: readonly string[] = [
  'token',
  'access_token',
  'api_key',
  'apikey',
  'key',
  'auth',
  'password',
  'secret',
  'sig',
  'signature',
  'jwt',
];

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function isSecretParam(name: string, extraNames: readonly string[]): boolean {
  const lower = decode(name).toLowerCase();
  const names = new Set([...secretParamNames, ...extraNames.map((n) => n.toLowerCase())]);
  return names.has(lower) || names.has(lower.split(/[-_.]/).pop() ?? lower);
}

/**
 * `url` as it may be shown: the password in its userinfo and the value of every secret-looking query
 * parameter become ***. `secrets` lists what was masked (as written and percent-decoded), so free text
 * that quotes the URL some other way can be masked too. Works on any text shaped like a URL.
 */
export function maskUrl(
  url: string,
  extraParamNames: readonly string[] = [],
): { displayUrl: string; secrets: string[] } {
  const secrets: string[] = [];
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const queryAt = beforeHash.indexOf('?');
  let head = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
  const userinfo = /^([a-z][a-z0-9+.-]*:\/\/)([^/@?#]*)@/i.exec(head);
  if (userinfo) {
    const [user = '', password] = userinfo[2]!.split(/:(.*)/s);
    const hidden = password === undefined ? '***' : `${user}:***`;
    secrets.push(...(password === undefined ? [user] : [password]));
    head = `${userinfo[1]}${hidden}@${head.slice(userinfo[0].length)}`;
  }
  if (queryAt === -1) return { displayUrl: head + hash, secrets: withDecoded(secrets) };
  const query = beforeHash
    .slice(queryAt + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq === -1 || !isSecretParam(part.slice(0, eq), extraParamNames)) return part;
      const value = part.slice(eq + 1);
      if (value) secrets.push(value);
      return `${part.slice(0, eq)}=***`;
    })
    .join('&');
  return { displayUrl: `${head}?${query}${hash}`, secrets: withDecoded(secrets) };
}

function withDecoded(values: string[]): string[] {
  const all = new Set<string>();
  for (const value of values) {
    if (!value) continue;
    all.add(value);
    all.add(decode(value));
  }
  return [...all];
}
