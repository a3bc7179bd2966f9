// Keeps secrets out of anything printed: each occurrence of a secret string becomes ***.

/** Returns `text` with every string in `secrets` replaced by ***. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out;
}
