import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'gws_';

/** A new opaque dashboard token: 32 random bytes, base64url. */
export function newSessionToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function looksLikeSessionToken(token: string): boolean {
  return token.startsWith(PREFIX) && token.length === PREFIX.length + 43;
}
