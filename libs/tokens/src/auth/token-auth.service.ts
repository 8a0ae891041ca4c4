// The relay's token lookup: raw key → immutable snapshot, from an in-process cache that other api
// processes invalidate through Redis pub/sub. A cached lookup touches neither Postgres nor Redis
// (docs/design.md, hot-path invariant 1).
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Token } from '../entities/token.entity';
import { hashApiKey, looksLikeApiKey } from '../key/api-key';
import { BoundedTtlCache } from './bounded-ttl-cache';
import { TokenInvalidation, TokenInvalidationBus } from './token-invalidation.bus';
import { checkToken, snapshotOf, TokenCheckContext, TokenCheckResult, TokenSnapshot } from './token-snapshot';

export const TOKEN_CACHE_LIMITS = Object.freeze({
  maxEntries: 50_000,
  /** A safety net only: changes arrive by pub/sub within milliseconds. */
  ttlMs: 60_000,
  /** Unknown keys: kept apart and smaller, so a flood of made-up keys cannot push real ones out. */
  maxNegativeEntries: 10_000,
  negativeTtlMs: 5_000,
});

@Injectable()
export class TokenAuthService implements OnModuleDestroy {
  private readonly logger = new Logger('TokenAuth');
  private readonly known = new BoundedTtlCache<string, TokenSnapshot>(
    TOKEN_CACHE_LIMITS.maxEntries,
    TOKEN_CACHE_LIMITS.ttlMs,
  );
  private readonly unknown = new BoundedTtlCache<string, true>(
    TOKEN_CACHE_LIMITS.maxNegativeEntries,
    TOKEN_CACHE_LIMITS.negativeTtlMs,
  );
  /** One database read per key at a time, however many requests arrive with it. */
  private readonly loading = new Map<string, Promise<TokenSnapshot | undefined>>();
  /** Bumped by every invalidation: a read that started before one must not fill the cache. */
  private generation = 0;
  private readonly unsubscribe: () => void;

  constructor(
    @InjectRepository(Token) private readonly tokens: Repository<Token>,
    private readonly bus: TokenInvalidationBus,
  ) {
    this.unsubscribe = bus.subscribe((message) => this.forget(message));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** The token a raw `sk-…` key belongs to, or undefined when there is none. */
  async resolve(rawKey: string): Promise<TokenSnapshot | undefined> {
    if (typeof rawKey !== 'string' || !looksLikeApiKey(rawKey)) return undefined;
    const keyHash = hashApiKey(rawKey);
    // Not subscribed (Redis down, or still connecting): nothing cached, every lookup reads Postgres.
    if (this.bus.listening) {
      const cached = this.known.get(keyHash);
      if (cached) return cached;
      if (this.unknown.has(keyHash)) return undefined;
    }
    const inFlight = this.loading.get(keyHash);
    if (inFlight) return inFlight;
    const pending = this.load(keyHash).finally(() => {
      if (this.loading.get(keyHash) === pending) this.loading.delete(keyHash);
    });
    this.loading.set(keyHash, pending);
    return pending;
  }

  /** Pure: see checkToken. */
  check(snapshot: TokenSnapshot | undefined, context: TokenCheckContext): TokenCheckResult {
    return checkToken(snapshot, context);
  }

  /**
   * After a token's row changed (or was created, in case a process remembers its key as unknown):
   * drop it here at once, then tell every other process.
   */
  async invalidate(message: TokenInvalidation): Promise<void> {
    this.forget(message);
    try {
      await this.bus.publish(message);
    } catch (error) {
      // The change is committed; other processes catch up when their entry's TTL runs out.
      this.logger.error(
        `could not publish the invalidation of token ${message.id}: ${(error as Error).message}`,
      );
    }
  }

  private async load(keyHash: string): Promise<TokenSnapshot | undefined> {
    const generation = this.generation;
    let token: Token | null;
    try {
      token = await this.tokens.findOne({ where: { keyHash } });
    } catch (error) {
      // PostgreSQL does not answer: a key this process knew keeps working when only its safety-net
      // TTL ran out (an announced change would have dropped it). docs/design.md, invariant 1.
      const stale = this.bus.listening ? this.known.stale(keyHash) : undefined;
      if (stale && generation === this.generation) {
        // Kept for another TTL, so that PostgreSQL is asked again then, not on every request.
        this.known.set(keyHash, stale);
        return stale;
      }
      throw error;
    }
    const snapshot = token ? snapshotOf(token) : undefined;
    if (generation === this.generation && this.bus.listening) {
      if (snapshot) this.known.set(keyHash, snapshot);
      else this.unknown.set(keyHash, true);
    }
    return snapshot;
  }

  private forget(message: TokenInvalidation | 'all'): void {
    this.generation++;
    if (message === 'all') {
      this.known.clear();
      this.unknown.clear();
      this.loading.clear();
      return;
    }
    if (message.keyHash) {
      this.known.delete(message.keyHash);
      this.unknown.delete(message.keyHash);
      this.loading.delete(message.keyHash);
    } else if (message.id) {
      // Only a message without a hash costs a scan.
      this.known.deleteWhere((snapshot) => snapshot.id === message.id);
    }
  }
}
