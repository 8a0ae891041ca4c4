// In the worker: releases holds whose request never settled because its API process died
// (docs/design.md invariant 6: "process crash via expiry"). Atomic and idempotent, so every worker may run it.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { REDIS } from '@gateway/redis';
import type Redis from 'ioredis';
import { REAP_HOLDS } from './balance-scripts';

const EVERY_MS = 30_000;
const BATCH = 500;
/** A reaped hold's request may still settle (a stream longer than the hold): its mark waits this long. */
const REAPED_MARK_TTL_MS = 24 * 3_600_000;

@Injectable()
export class HoldReaper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('HoldReaper');
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.reap().catch((error: Error) => this.logger.warn(`could not reap holds: ${error.message}`));
    }, EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * Releases every expired hold; returns how many. Those of the mirror's layout before `funds`
   * (balance-scripts.ts) too, onto that layout's mirror, for processes of an earlier version that
   * still check it during a rolling upgrade.
   */
  async reap(now = Date.now()): Promise<number> {
    const prefix = this.config.REDIS_PREFIX;
    const current = await this.reapAll([`${prefix}:holds:due`, `${prefix}:holds`], now, false);
    return current + (await this.reapAll([`${prefix}:holds:exp`, `${prefix}:holds`], now, true));
  }

  private async reapAll(keys: [string, string], now: number, legacy: boolean): Promise<number> {
    const prefix = this.config.REDIS_PREFIX;
    let total = 0;
    for (;;) {
      const released = Number(
        await this.redis.eval(
          REAP_HOLDS,
          2,
          ...keys,
          String(now),
          String(BATCH),
          prefix,
          String(REAPED_MARK_TTL_MS),
          legacy ? '1' : '0',
        ),
      );
      total += released;
      if (released < BATCH) return total;
    }
  }
}
