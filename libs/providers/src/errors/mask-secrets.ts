// Upstream error texts are passed on to API clients (the relay) and operators (the probes): anything
// that looks like a credential is masked first (`sk-…abcd`). The one copy of these patterns: the
// relay and the channels' probes both call this.

/** Vendor prefixes worth keeping in the mask: they tell an operator whose key leaked. */
const SHOWN_PREFIXES = ['sk-', 'gsk_', 'xai-', 'AIza'] as const;
const TAIL = 4;
/** Below this length the last 4 characters would give away too much of the secret. */
const MIN_LENGTH_FOR_TAIL = 12;
/** Known secrets shorter than this are not masked verbatim: they would match ordinary words. */
const MIN_KNOWN_SECRET_LENGTH = 8;

// A `-` before a prefix does not protect it (`key-sk-…` is still a key); a letter or digit does
// (`task-management` holds no `sk-` key).
const KEY_SHAPES: readonly RegExp[] = [
  /(?<![A-Za-z0-9_])sk-[A-Za-z0-9_-]{8,}/g, // OpenAI (sk-proj-…), Anthropic (sk-ant-…), OpenRouter, DeepSeek…
  /(?<![A-Za-z0-9_])AIza[0-9A-Za-z_-]{20,}/g, // Google
  /(?<![A-Za-z0-9_])gsk_[A-Za-z0-9]{16,}/g, // Groq
  /(?<![A-Za-z0-9_])xai-[A-Za-z0-9]{16,}/g, // xAI
];
// Azure keys (32 hex characters) have no prefix: they are masked when known (the channel key), or
// as the value of an `api-key` header, query parameter or JSON field. A bare 32-hex word is left
// alone: OpenAI prints its request ids that way, and an operator needs them.
/** `Bearer <token>` / `Basic <credentials>`, as echoed from a request's headers. */
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/=-]{8,})/gi;
/** `?key=…` (Gemini) and friends in an echoed URL. */
const QUERY_SECRET = /([?&;](?:key|api[_-]?key|access_token|token)=)([^&\s"'#]+)/gi;
/** `x-api-key: …` (Anthropic) and friends in an echoed header dump. */
const HEADER_SECRET = /\b(x-api-key|x-goog-api-key|api-key)(\s*:\s*)([A-Za-z0-9._~+/=-]{8,})/gi;
/** `"api_key": "…"` (or an `"authorization"` header) in an echoed JSON body. */
const JSON_SECRET =
  /("(?:api[_-]?key|x-api-key|x-goog-api-key|access_token|authorization)"\s*:\s*")([^"]+)(")/gi;

/** `sk-…abcd`: a known vendor prefix, an ellipsis, the last 4 characters of a long enough secret. */
export function maskSecret(secret: string): string {
  const prefix = SHOWN_PREFIXES.find((known) => secret.startsWith(known)) ?? '';
  return `${prefix}…${secret.length >= MIN_LENGTH_FOR_TAIL ? secret.slice(-TAIL) : ''}`;
}

/** Masks `knownSecrets` (e.g. the channel key just used) and anything credential-shaped in `text`. */
export function maskSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  const known = knownSecrets
    .filter((s) => s.length >= MIN_KNOWN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  for (const secret of known) out = out.split(secret).join(maskSecret(secret));
  for (const shape of KEY_SHAPES) out = out.replace(shape, maskSecret);
  // A value masked by an earlier step contains `…`; it is left as it is.
  const maskValue = (value: string) => (value.includes('…') ? value : maskSecret(value));
  return out
    .replace(
      AUTH_SCHEME,
      (_, scheme: string, gap: string, token: string) => `${scheme}${gap}${maskValue(token)}`,
    )
    .replace(QUERY_SECRET, (_, name: string, value: string) => `${name}${maskValue(value)}`)
    .replace(
      HEADER_SECRET,
      (_, name: string, gap: string, value: string) => `${name}${gap}${maskValue(value)}`,
    )
    .replace(
      JSON_SECRET,
      (_, head: string, value: string, quote: string) => `${head}${maskValue(value)}${quote}`,
    );
}
