// Each key's lifetime requests and tokens (the key pool page's totals) are statistics: no limit,
// cooldown or amount of money is decided by them. They are counted in this process and added to the
// key's hash (`${REDIS_PREFIX}:key:<keyId>`) every KEY_STATS_FLUSH_MS (a second) in one pipelined
// round trip, rather than by two commands inside every request's hot-path scripts (issue #16). What
// is counted and not yet added is added before the process closes its Redis connection; a crash
// loses at most the last second's counts, which the usage records still hold.
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { keyStatsRedisKey } from '@gateway/channels';
import { REDIS } from '@gateway/redis';
import type Redis from 'ioredis';

interface Counts {
  requests: number;
  tokens: number;
}

@Injectable()
export class KeyStatsTally implements BeforeApplicationShutdown {
  private readonly logger = new Logger('KeyStats');
  private pending = new Map<string, Counts>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.timer = setInterval(() => void this.flush(), config.KEY_STATS_FLUSH_MS);
    this.timer.unref();
  }

  /** A request took a slot on the key. */
  requested(keyId: string): void {
    this.countsOf(keyId).requests++;
  }

  /** An attempt on the key used this many tokens. */
  used(keyId: string, tokens: number): void {
    if (tokens > 0) this.countsOf(keyId).tokens += Math.floor(tokens);
  }

  /** Adds what was counted to the keys' hashes, in one round trip. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const counted = this.pending;
    this.pending = new Map();
    const pipeline = this.redis.pipeline();
    for (const [keyId, { requests, tokens }] of counted) {
      const key = keyStatsRedisKey(this.config.REDIS_PREFIX, keyId);
      if (requests > 0) pipeline.hincrby(key, 'totalRequests', requests);
      if (tokens > 0) pipeline.hincrby(key, 'totalTokens', tokens);
    }
    try {
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error !== null);
      if (failed) throw failed[0];
    } catch (error) {
      // Not knowing which were added, none is counted again: a stat may come out short, never double.
      this.logger.warn(`could not add ${counted.size} key(s)' request counts: ${(error as Error).message}`);
    }
  }

  private countsOf(keyId: string): Counts {
    let counts = this.pending.get(keyId);
    if (counts === undefined) {
      counts = { requests: 0, tokens: 0 };
      this.pending.set(keyId, counts);
    }
    return counts;
  }
}
