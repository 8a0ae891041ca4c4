// The api's end of the usage buffer: the relay hands over one event per request and moves on; the
// event reaches the Redis stream in the background. No Postgres here (docs/design.md invariant 1).
import { BeforeApplicationShutdown, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { REDIS } from '@gateway/redis';
import type Redis from 'ioredis';
import type { UsageEvent } from '../usage-event';
import { USAGE_EVENT_FIELD, usageStreamKey } from '../usage-stream';

export interface UsageRecorderOptions {
  /** Events held in memory while Redis cannot take them; beyond this, new events are dropped and counted. */
  maxQueued: number;
  /** Events sent per pipelined round trip. */
  batchSize: number;
  /** Backoff between retries while Redis fails: from min, doubling, up to max. */
  retryMinMs: number;
  retryMaxMs: number;
  /** How long application shutdown waits for queued events to reach Redis. */
  shutdownFlushMs: number;
}

export const DEFAULT_USAGE_RECORDER_OPTIONS: Readonly<UsageRecorderOptions> = Object.freeze({
  // ~1 KB each: 100k events is ~100 MB at worst, minutes of traffic on a busy gateway.
  maxQueued: 100_000,
  batchSize: 200,
  retryMinMs: 100,
  retryMaxMs: 5_000,
  shutdownFlushMs: 5_000,
});

/** Overrides of DEFAULT_USAGE_RECORDER_OPTIONS (tests use small limits). */
export const USAGE_RECORDER_OPTIONS = Symbol('USAGE_RECORDER_OPTIONS');

/** How often, at most, a run of dropped events is logged. */
const DROP_LOG_EVERY_MS = 10_000;

interface Queued {
  seq: number;
  payload: string;
}

@Injectable()
export class UsageRecorder implements BeforeApplicationShutdown {
  private readonly logger = new Logger('UsageRecorder');
  private readonly stream: string;
  private readonly options: UsageRecorderOptions;
  /** FIFO of events not yet in Redis; the head is what is being (re)sent. */
  private queue: Queued[] = [];
  private recorded = 0;
  private dropped = 0;
  private lastDropLog = 0;
  private sending = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  private waiters: { upTo: number; resolve: () => void }[] = [];

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'REDIS_PREFIX'>,
    @Optional() @Inject(USAGE_RECORDER_OPTIONS) options?: Partial<UsageRecorderOptions>,
  ) {
    this.stream = usageStreamKey(config.REDIS_PREFIX);
    this.options = { ...DEFAULT_USAGE_RECORDER_OPTIONS, ...options };
  }

  /** Queues the event for the stream and returns at once. Never throws, never waits. */
  record(event: UsageEvent): void {
    const seq = ++this.recorded;
    let payload: string | undefined;
    try {
      payload = JSON.stringify(event);
    } catch (error) {
      // A bigint or a cycle in the event: a relay bug, and the record cannot be written anywhere.
      this.drop(event, `not serialisable: ${(error as Error).message}`);
      return;
    }
    if (typeof payload !== 'string') {
      this.drop(event, 'not an event');
      return;
    }
    if (this.queue.length >= this.options.maxQueued) {
      this.drop(event, `${this.queue.length} events already waiting for Redis`);
      return;
    }
    this.queue.push({ seq, payload });
    this.send();
  }

  /** Resolves once every event recorded before this call is in Redis (or was dropped, and logged). */
  flush(): Promise<void> {
    const upTo = this.recorded;
    if (this.settledThrough() >= upTo) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo, resolve }));
  }

  /** Counters for tests and diagnostics: events waiting for Redis, events given up on. */
  stats(): { queued: number; dropped: number } {
    return { queued: this.queue.length, dropped: this.dropped };
  }

  /** Runs before the shared Redis connection closes (that happens in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.queue.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.options.shutdownFlushMs);
      });
      // Retry now rather than after the current backoff: this is the last chance.
      this.retryNow();
      const outcome = await Promise.race([this.flush().then(() => 'flushed' as const), deadline]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        this.logger.error(
          `shutting down with ${this.queue.length} usage events that never reached Redis; they are lost`,
        );
      }
    }
    this.closed = true;
    clearTimeout(this.retryTimer);
  }

  /** Everything with a sequence number up to this one is settled (in Redis or dropped). */
  private settledThrough(): number {
    const head = this.queue[0];
    return head ? head.seq - 1 : this.recorded;
  }

  private drop(event: UsageEvent, why: string): void {
    this.dropped++;
    const now = Date.now();
    if (this.dropped === 1 || now - this.lastDropLog >= DROP_LOG_EVERY_MS) {
      this.lastDropLog = now;
      this.logger.warn(
        `dropped the usage event of request ${String(event?.requestId)} (${why}); ${this.dropped} dropped so far`,
      );
    }
    this.settle();
  }

  private send(): void {
    if (this.sending || this.retryTimer || this.closed || this.queue.length === 0) return;
    this.sending = true;
    void this.sendBatch().finally(() => {
      this.sending = false;
      this.settle();
      this.send();
    });
  }

  /** One pipelined round trip for the head of the queue; what failed goes back to the head. */
  private async sendBatch(): Promise<void> {
    const batch = this.queue.slice(0, this.options.batchSize);
    let failed: Queued[];
    let reason = '';
    try {
      const pipeline = this.redis.pipeline();
      for (const entry of batch) pipeline.xadd(this.stream, '*', USAGE_EVENT_FIELD, entry.payload);
      const results = await pipeline.exec();
      failed = results ? batch.filter((_, i) => results[i]?.[0]) : batch;
      reason = String(results?.find(([error]) => error)?.[0]?.message ?? '');
    } catch (error) {
      failed = batch;
      reason = (error as Error).message;
    }
    this.queue.splice(0, batch.length, ...failed);
    if (failed.length === 0) {
      if (this.failures > 0) this.logger.log('usage stream reachable again; sending queued events');
      this.failures = 0;
      return;
    }
    if (this.failures === 0) {
      this.logger.warn(`cannot write usage events to Redis (${reason}); keeping them in memory and retrying`);
    }
    this.failures++;
    const delay = Math.min(this.options.retryMaxMs, this.options.retryMinMs * 2 ** (this.failures - 1));
    this.retryTimer = setTimeout(() => this.retryNow(), delay);
    // A pending retry must not keep a finished process alive.
    this.retryTimer.unref();
  }

  private retryNow(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.send();
  }

  private settle(): void {
    const through = this.settledThrough();
    const ready = this.waiters.filter((w) => w.upTo <= through);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.upTo > through);
    for (const waiter of ready) waiter.resolve();
  }
}
