// Upstream error texts reach operators (and, through the relay, API clients): mask anything that
// looks like a credential first. Known secrets are masked exactly; patterns catch the rest.
import { maskKey } from '../keys/key-mask';

const SECRET_PATTERNS: readonly RegExp[] = [
  /(?<![A-Za-z0-9_])sk-[A-Za-z0-9_-]{8,}/g, // OpenAI, Anthropic (sk-ant-…), OpenRouter (sk-or-…), DeepSeek, Moonshot…
  /(?<![A-Za-z0-9_])AIza[0-9A-Za-z_-]{20,}/g, // Google
  /(?<![A-Za-z0-9_])gsk_[A-Za-z0-9]{16,}/g, // Groq
  /(?<![A-Za-z0-9_])xai-[A-Za-z0-9]{16,}/g, // xAI
];

/** Masks the given secrets and anything credential-shaped in `text`. */
export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so a secret containing another is masked whole.
  for (const secret of [...secrets].filter((s) => s.length >= 8).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(maskKey(secret));
  }
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, (match) => maskKey(match));
  return out
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 ***')
    .replace(/([?&](?:key|api[-_]?key|access_token|token)=)[^&\s"']+/gi, '$1***')
    .replace(/("(?:api[-_]?key|x-api-key|authorization)"\s*:\s*")[^"]*"/gi, '$1***"');
}
