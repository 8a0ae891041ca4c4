// Sticky routing: requests carrying the same `x-session-id` (per token) go to the key that answered
// the last one, while it is usable, so a conversation keeps its upstream (and its prompt cache).
import { hash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';

const TTL_SECONDS = 3600;
/** A conversation recognised by its leading messages is kept this long after its last turn. */
const INFERRED_TTL_SECONDS = 1800;
const MAX_SESSION_ID = 256;
/**
 * A session's key is written again only once its remembered value is older than this part of its
 * ttl, and lives that much longer than the ttl: a conversation's turns mostly leave it as it is (one
 * Redis command less per request, issue #16), and it is still kept at least the ttl after the last.
 */
const REFRESH_PART = 4;

/** A session's key, to be remembered for `ttlSeconds`. */
export interface StickyEntry {
  redisKey: string;
  keyId: string;
  /** What the settlement script writes: the key id and when (`<keyId>@<epoch s>`). */
  value: string;
  ttlSeconds: number;
}

@Injectable()
export class StickySessions {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /**
   * What to remember of a session that a key answered, for the settlement script to write, or null
   * when `remembered` (the value the admission read) names that key and is recent enough to stand.
   */
  entry(
    tokenId: string,
    session: string,
    keyId: string,
    inferred = false,
    remembered: Remembered | null = null,
    now = Date.now(),
  ): StickyEntry | null {
    const ttl = inferred ? INFERRED_TTL_SECONDS : TTL_SECONDS;
    const nowSeconds = Math.floor(now / 1000);
    const refreshAfter = Math.floor(ttl / REFRESH_PART);
    if (remembered?.keyId === keyId && nowSeconds - remembered.writtenAt < refreshAfter) return null;
    return {
      redisKey: this.keyOf(tokenId, session),
      keyId,
      value: `${keyId}@${nowSeconds}`,
      ttlSeconds: ttl + refreshAfter,
    };
  }

  /** The Redis key of a session's remembered key, which the admission script reads. */
  keyOf(tokenId: string, session: string): string {
    // Hashed: the session id is the client's text, and must not shape our key space.
    // crypto.hash: one call, no Hash object (half of createHash's time, issue #16); UTF-8 as update's.
    const digest = hash('sha256', session, 'base64url').slice(0, 32);
    return `${this.config.REDIS_PREFIX}:sticky:${tokenId}:${digest}`;
  }
}

/** A session's remembered key, and when it was written (epoch s; 0 when not known). */
export interface Remembered {
  keyId: string;
  writtenAt: number;
}

/**
 * A session's remembered value as the admission read it: the key id and when it was written (0 for
 * a value written before it carried the time), or null for none.
 */
export function rememberedOf(value: string | null): Remembered | null {
  if (value === null || value === '') return null;
  // As the admission script reads it: `<keyId>@<digits>`, else the whole value is the key id.
  const timed = /^(.*)@(\d+)$/.exec(value);
  return timed === null
    ? { keyId: value, writtenAt: 0 }
    : { keyId: timed[1] as string, writtenAt: Number(timed[2]) };
}

/** The session id from an `x-session-id` header, or null when absent or unusable. */
export function sessionIdOf(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' || trimmed.length > MAX_SESSION_ID ? null : trimmed;
}

/**
 * A conversation's identity when the client sent no `x-session-id`: a hash of its system prompt and
 * first message, which stay the same turn after turn while the tail grows. Null for a request with
 * no conversation (embeddings, a bare prompt). Works on any ingress's body: `messages` (OpenAI,
 * Anthropic), `contents` (Gemini), `input` (Responses).
 */
export function conversationOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const request = body as Record<string, unknown>;
  const turns = [request.messages, request.contents, request.input].find(Array.isArray) as
    unknown[] | undefined;
  if (turns === undefined || turns.length === 0) return null;
  // Leading system (or developer) messages, then the first message of the conversation itself.
  const firstTurn = turns.findIndex((turn) => !isInstruction(turn));
  const leading = turns.slice(0, firstTurn < 0 ? turns.length : firstTurn + 1);
  const system = request.system ?? request.systemInstruction ?? request.instructions ?? null;
  const digest = hash('sha256', JSON.stringify([system, leading]), 'base64url');
  return `conv:${digest}`;
}

function isInstruction(turn: unknown): boolean {
  const role = (turn as { role?: unknown } | null)?.role;
  return role === 'system' || role === 'developer';
}
