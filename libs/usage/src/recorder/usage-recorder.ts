// The api's end of the usage buffer, and its outbox (docs/design.md, "The usage outbox"): the relay
// hands over one event per request and moves on. The event reaches the Redis stream in the
// background (or the settlement script already put it there) and stays in this process's memory
// until PostgreSQL holds its record, so a Redis that loses the stream (a restart without
// persistence, a failover, an eviction) loses no event: one that is neither stored nor still in the
// stream is sent again. No Postgres per request (invariant 1): one indexed lookup per round, for the
// events old enough to have been stored. A stopping api whose Redis takes none of them stores them in
// PostgreSQL itself, the worker's way (UsageDirectStore), or logs each in full for replay.
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { REDIS } from '@gateway/redis';
import type Redis from 'ioredis';
import { Counter, Gauge, Registry } from 'prom-client';
import type { UsageEvent } from '../usage-event';
import { USAGE_EVENT_FIELD, usageStreamKey } from '../usage-stream';
import { StoredUsageLookup, type StoredUsage } from './stored-usage-lookup';
import { DEFAULT_USAGE_INGESTOR_OPTIONS } from '../ingest/usage-ingestor';
import { UsageDirectStore, type DirectlyStored, type DirectUsageStore } from './usage-direct-store';

export interface UsageRecorderOptions {
  /** Events kept until stored (USAGE_OUTBOX_MAX_EVENTS); beyond it the oldest is dropped, logged and counted. */
  maxEvents: number;
  /** Events sent per pipelined round trip. */
  batchSize: number;
  /** Backoff between retries while Redis fails: from min, doubling, up to max. */
  retryMinMs: number;
  retryMaxMs: number;
  /** How long application shutdown waits for queued events to reach Redis (drain() waits for more). */
  shutdownFlushMs: number;
  /** An event in the stream this long is looked up in PostgreSQL; also the period of those rounds (USAGE_OUTBOX_CONFIRM_MS). */
  confirmAfterMs: number;
  /** An event sent again and still not stored waits twice as long each time, up to this. */
  resendMaxMs: number;
  /** Request ids per lookup query. */
  lookupBatch: number;
  /**
   * drain() stops early when, this long, no kept event was stored and all of them wait in the
   * stream; and when Redis took none of the events waiting for it this long, drain() stores them in
   * PostgreSQL itself.
   */
  drainStallMs: number;
}

export const DEFAULT_USAGE_RECORDER_OPTIONS: Readonly<UsageRecorderOptions> = Object.freeze({
  // ~1 KB each: 100k events is ~100 MB at worst, minutes of traffic on a busy gateway.
  maxEvents: 100_000,
  batchSize: 200,
  retryMinMs: 100,
  retryMaxMs: 5_000,
  shutdownFlushMs: 5_000,
  confirmAfterMs: 5_000,
  resendMaxMs: 300_000,
  lookupBatch: 5_000,
  drainStallMs: 5_000,
});

/** Overrides of DEFAULT_USAGE_RECORDER_OPTIONS and of the configuration (tests use small limits). */
export const USAGE_RECORDER_OPTIONS = Symbol('USAGE_RECORDER_OPTIONS');

/**
 * Events handed to the direct store at a time, the worker's batch (one transaction each): each is
 * forgotten once stored, so a stop whose time runs out logs for replay only what is not.
 */
const DIRECT_STORE_BATCH = DEFAULT_USAGE_INGESTOR_OPTIONS.batchSize;

/** How often, at most, a run of dropped events is logged. */
const DROP_LOG_EVERY_MS = 10_000;

/**
 * How much older than the oldest entry still in the stream an event must be before it counts as
 * gone from it: both ages are measured on their own clock (Redis's, this process's), so only the
 * round's own latency and a clock step separate them.
 */
const STREAM_AGE_MARGIN_MS = 1_000;

/** Redis's clock and the id of the oldest entry left in the stream ('' when empty), in one call. */
const OLDEST_IN_STREAM = `
local now = redis.call('TIME')
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
local id = ''
if first[1] then id = first[1][1] end
return {now[1], now[2], id}
`;

type Config = Pick<AppConfig, 'REDIS_PREFIX'> &
  Partial<Pick<AppConfig, 'USAGE_OUTBOX_MAX_EVENTS' | 'USAGE_OUTBOX_CONFIRM_MS'>>;

interface Kept {
  /** Unique per kept event (a request id recorded twice is kept twice, as it was sent twice). */
  key: number;
  requestId: string;
  payload: string;
  /** `queued`: waiting to be XADDed (again); `sent`: in the stream as far as this process knows. */
  state: 'queued' | 'sent';
  /** Order of queueing, for flush(). */
  seq: number;
  /** When it last reached the stream (this process's clock). */
  sentAt: number;
  /** How often it was put into the stream. */
  sends: number;
}

@Injectable()
export class UsageRecorder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('UsageRecorder');
  private readonly stream: string;
  private readonly options: UsageRecorderOptions;
  /** Every event not yet known to be stored, oldest first (a Map keeps insertion order). */
  private readonly kept = new Map<number, Kept>();
  private keys = 0;
  /** FIFO of events to XADD; an entry no longer queued in `kept` is skipped. */
  private queue: Kept[] = [];
  private seq = 0;
  private dropped = 0;
  private lastDropLog = 0;
  private sending = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private confirmTimer: NodeJS.Timeout | undefined;
  private confirming: Promise<void> | undefined;
  private failures = 0;
  private closed = false;
  /** Events logged in full for an operator to replay, since neither Redis nor PostgreSQL took them. */
  private loggedForReplay = 0;
  private waiters: { upTo: number; resolve: () => void }[] = [];

  /** Merged into the api's /metrics. */
  readonly registry = new Registry();
  private readonly droppedTotal = new Counter({
    name: 'gateway_usage_outbox_dropped_total',
    help: 'Usage events given up on: the outbox was full (the oldest goes) or the event could not be serialised.',
    registers: [this.registry],
  });
  private readonly resentTotal = new Counter({
    name: 'gateway_usage_outbox_resent_total',
    help: 'Usage events sent to the stream again because they were neither stored nor still in the stream.',
    registers: [this.registry],
  });
  private readonly keptGauge: Gauge = new Gauge({
    name: 'gateway_usage_outbox_events',
    help: 'Usage events this api keeps until the worker has stored them.',
    registers: [this.registry],
    collect: () => this.keptGauge.set(this.kept.size),
  });

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: Config,
    @Inject(StoredUsageLookup) private readonly stored: StoredUsage,
    @Optional() @Inject(USAGE_RECORDER_OPTIONS) options?: Partial<UsageRecorderOptions>,
    // Without it (unit tests), what Redis never took is logged in full at shutdown instead.
    @Optional() @Inject(UsageDirectStore) private readonly direct?: DirectUsageStore,
  ) {
    this.stream = usageStreamKey(config.REDIS_PREFIX);
    this.options = {
      ...DEFAULT_USAGE_RECORDER_OPTIONS,
      ...(config.USAGE_OUTBOX_MAX_EVENTS === undefined ? {} : { maxEvents: config.USAGE_OUTBOX_MAX_EVENTS }),
      ...(config.USAGE_OUTBOX_CONFIRM_MS === undefined
        ? {}
        : { confirmAfterMs: config.USAGE_OUTBOX_CONFIRM_MS }),
      ...options,
    };
  }

  onApplicationBootstrap(): void {
    this.confirmTimer = setInterval(() => void this.confirmNow(), this.options.confirmAfterMs);
    // The rounds must not keep a finished process alive.
    this.confirmTimer.unref();
  }

  /** Queues the event for the stream and keeps it until stored. Never throws, never waits. */
  record(event: UsageEvent): void {
    const entry = this.keep(event, 'queued');
    if (entry === undefined) return;
    this.queue.push(entry);
    this.send();
  }

  /**
   * Keeps an event that the settlement script already put into the stream, until stored. Never
   * throws. `payload`, when given, is the JSON the script put there (the event's, with its fields in
   * another order): kept as it is, and sent again as it is should the stream lose it.
   */
  sent(event: UsageEvent, payload?: string): void {
    this.keep(event, 'sent', payload);
  }

  /** Resolves once every event recorded before this call is in Redis (or was dropped, and logged). */
  flush(): Promise<void> {
    const upTo = this.seq;
    if (this.sentThrough() >= upTo) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo, resolve }));
  }

  /**
   * A stopping api (SIGTERM) waits here for the worker to have stored every kept event, sending
   * again what Redis lost, up to `timeoutMs`. When no worker stores anything for `drainStallMs` and
   * every event left is in the stream (none waits for Redis), it stops waiting: Redis has them, and
   * a worker stopping at the same time (Ctrl-C on `npm start`) would otherwise hold the api for the
   * whole grace. Events Redis has not taken for `drainStallMs` are stored in PostgreSQL directly
   * (the process is going, and their memory with it); what neither takes by the deadline is logged
   * in full. True when every event is stored.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let lastProgress = Date.now();
    let redisProgress = Date.now();
    let leftToLog = 0;
    while (this.kept.size > 0 && Date.now() < deadline) {
      const before = this.kept.size;
      const queuedBefore = this.stats().queued;
      this.retryNow();
      await this.confirmNow(true);
      if (this.kept.size === 0) break;
      const { queued } = this.stats();
      if (queued === 0 || queued < queuedBefore) redisProgress = Date.now();
      else if (Date.now() - redisProgress >= this.options.drainStallMs) {
        leftToLog += await this.storeUntaken(false);
        // Tried again (should PostgreSQL have failed too) only after another stall.
        redisProgress = Date.now();
        if (this.kept.size === 0) break;
      }
      if (this.kept.size < before || this.stats().queued > 0) lastProgress = Date.now();
      else if (Date.now() - lastProgress >= this.options.drainStallMs) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(0, deadline - Date.now()))));
    }
    leftToLog += await this.storeUntaken(true);
    const { kept } = this.stats();
    if (kept > 0) {
      this.logger.warn(
        `stopping with ${kept} usage events in the Redis stream that no worker has stored yet; a worker will`,
      );
    }
    return kept === 0 && leftToLog === 0;
  }

  /**
   * How many events this process logged in full for replay rather than stored (neither Redis nor
   * PostgreSQL took them, or PostgreSQL refused them): a stopping api that left any exits non-zero,
   * so its supervisor or operator notices that they need replaying.
   */
  leftForReplay(): number {
    return this.loggedForReplay;
  }

  /** Counters for tests and diagnostics: events waiting for Redis, kept until stored, given up on. */
  stats(): { queued: number; kept: number; dropped: number } {
    let queued = 0;
    for (const entry of this.kept.values()) if (entry.state === 'queued') queued++;
    return { queued, kept: this.kept.size, dropped: this.dropped };
  }

  /**
   * One confirmation round (the timer runs one every `confirmAfterMs`): events in the stream for at
   * least that long (`all`: every one) are looked up in PostgreSQL; stored ones are forgotten, and
   * one that is not stored and no longer in the stream is sent again. When Redis or PostgreSQL does
   * not answer, nothing is decided: the round is tried again later.
   */
  confirmNow(all = false): Promise<void> {
    this.confirming ??= this.confirm(all).finally(() => {
      this.confirming = undefined;
    });
    return this.confirming;
  }

  /** Runs before the shared Redis connection closes (that happens in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.confirmTimer);
    if (this.sentThrough() < this.seq) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.options.shutdownFlushMs);
      });
      // Retry now rather than after the current backoff: this is the last chance.
      this.retryNow();
      const outcome = await Promise.race([this.flush().then(() => 'flushed' as const), deadline]);
      clearTimeout(timer);
      // The application closes next, and what waits for Redis goes with it: store it directly.
      if (outcome === 'timeout') await this.storeUntaken(true);
    }
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.confirming;
  }

  /**
   * Stores every event still waiting for Redis in PostgreSQL, the worker's way (UsageDirectStore),
   * and forgets it: a record inserted, one already there (Redis took it without confirming, and the
   * worker was first) and one the worker would refuse (logged in full) alike. Batch by batch, each
   * forgotten once stored, within `shutdownFlushMs` in all: when PostgreSQL fails or that time is
   * up, what is left is kept for another try, or, when `final` (the process is about to exit),
   * logged in full, one error line each, for an operator to replay, and forgotten; never an event
   * already stored. Returns how many events were left to the log rather than stored.
   */
  private async storeUntaken(final: boolean): Promise<number> {
    const untaken = [...this.kept.values()].filter((entry) => entry.state === 'queued');
    if (untaken.length === 0 || (!final && !this.direct)) return 0;
    const deadline = Date.now() + this.options.shutdownFlushMs;
    let stored = 0;
    let inserted = 0;
    let failure: string | undefined;
    const refused: DirectlyStored['refused'] = [];
    for (let i = 0; i < untaken.length; i += DIRECT_STORE_BATCH) {
      const batch = untaken.slice(i, i + DIRECT_STORE_BATCH);
      try {
        if (!this.direct) throw new Error('no PostgreSQL store in this process');
        const done = await this.within(
          deadline,
          this.direct.storeDirectly(batch.map((entry) => entry.payload)),
        );
        for (const entry of batch) this.kept.delete(entry.key);
        stored += batch.length;
        inserted += done.inserted;
        refused.push(...done.refused);
      } catch (error) {
        failure = (error as Error).message;
        break;
      }
    }
    if (stored > 0) {
      this.settle();
      const which = stored === untaken.length ? 'them' : `${stored} of them`;
      this.logger.warn(
        `Redis took none of ${untaken.length} usage events; stored ${which} in PostgreSQL directly (${inserted} new records)`,
      );
    }
    for (const { payload, reason } of refused) {
      this.logForReplay(payload, `PostgreSQL refused it: ${reason}`);
    }
    if (failure === undefined) return refused.length;
    const left = untaken.filter((entry) => this.kept.has(entry.key));
    if (!final) {
      this.logger.warn(
        `Redis took none of ${left.length} usage events, and PostgreSQL failed too (${failure}); keeping them`,
      );
      return refused.length;
    }
    for (const entry of left) {
      this.kept.delete(entry.key);
      this.logForReplay(entry.payload, `Redis never took it and PostgreSQL failed: ${failure}`);
    }
    this.settle();
    this.logger.error(
      `stopping with ${left.length} usage events neither Redis nor PostgreSQL took; each is logged in full above as usageEvent, for replay`,
    );
    return refused.length + left.length;
  }

  /** One error line per event, its JSON whole: XADDed to the usage stream, the worker stores it once. */
  private logForReplay(payload: string, why: string): void {
    this.loggedForReplay++;
    this.logger.error(
      { usageEvent: payload, usageStream: this.stream, field: USAGE_EVENT_FIELD },
      `usage event not stored (${why}); replay it into the usage stream`,
    );
  }

  /** PostgreSQL stalled must not hold a stopping api past its grace: no answer counts as a failure. */
  private async within<T>(deadline: number, work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.options.shutdownFlushMs} ms`)),
        Math.max(0, deadline - Date.now()),
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private keep(event: UsageEvent, state: Kept['state'], written?: string): Kept | undefined {
    let payload: string | undefined = written;
    try {
      payload ??= JSON.stringify(event);
    } catch (error) {
      // A bigint or a cycle in the event: a relay bug, and the record cannot be written anywhere.
      this.drop(String(event?.requestId), `not serialisable: ${(error as Error).message}`);
      return undefined;
    }
    if (typeof payload !== 'string' || typeof event?.requestId !== 'string') {
      this.drop(String(event?.requestId), 'not an event');
      return undefined;
    }
    while (this.kept.size >= this.options.maxEvents) {
      const oldest = this.kept.values().next().value as Kept;
      this.kept.delete(oldest.key);
      this.drop(oldest.requestId, `the outbox holds ${this.options.maxEvents} events not stored yet`);
    }
    const entry: Kept = {
      key: ++this.keys,
      requestId: event.requestId,
      payload,
      state,
      seq: ++this.seq,
      sentAt: Date.now(),
      sends: 1,
    };
    this.kept.set(entry.key, entry);
    return entry;
  }

  /** Everything queued with a sequence number up to this one is in Redis, or dropped. */
  private sentThrough(): number {
    while (this.queue.length > 0 && !this.isQueued(this.queue[0] as Kept)) this.queue.shift();
    const head = this.queue[0];
    return head ? head.seq - 1 : this.seq;
  }

  private isQueued(entry: Kept): boolean {
    return entry.state === 'queued' && this.kept.has(entry.key);
  }

  private drop(requestId: string, why: string): void {
    this.dropped++;
    this.droppedTotal.inc();
    const now = Date.now();
    if (this.dropped === 1 || now - this.lastDropLog >= DROP_LOG_EVERY_MS) {
      this.lastDropLog = now;
      this.logger.error(
        `dropped the usage event of request ${requestId} (${why}); ${this.dropped} dropped so far`,
      );
    }
    this.settle();
  }

  private send(): void {
    if (this.sending || this.retryTimer || this.closed) return;
    if (this.sentThrough() >= this.seq) return;
    this.sending = true;
    void this.sendBatch().finally(() => {
      this.sending = false;
      this.settle();
      this.send();
    });
  }

  /** One pipelined round trip for the head of the queue; what failed goes back to the head. */
  private async sendBatch(): Promise<void> {
    const taken = new Set(this.queue.slice(0, this.options.batchSize));
    const batch = [...taken].filter((entry) => this.isQueued(entry));
    let failed: Kept[];
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
    const now = Date.now();
    for (const entry of batch) {
      if (failed.includes(entry)) continue;
      entry.state = 'sent';
      entry.sentAt = now;
    }
    // By identity, not position: the queue's head may have moved meanwhile (a dropped event).
    this.queue = [...failed, ...this.queue.filter((entry) => !taken.has(entry))];
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
    const through = this.sentThrough();
    const ready = this.waiters.filter((w) => w.upTo <= through);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.upTo > through);
    for (const waiter of ready) waiter.resolve();
  }

  /** How long a sent event waits before it is looked up: doubling with each send, up to resendMaxMs. */
  private dueAfter(entry: Kept): number {
    return Math.min(this.options.resendMaxMs, this.options.confirmAfterMs * 2 ** (entry.sends - 1));
  }

  private async confirm(all: boolean): Promise<void> {
    const now = Date.now();
    const due = [...this.kept.values()].filter(
      (entry) => entry.state === 'sent' && (all || now - entry.sentAt >= this.dueAfter(entry)),
    );
    if (due.length === 0) return;
    try {
      // The stream first, then PostgreSQL: an entry gone from the stream by the time of the first
      // read was stored before it (the worker deletes an entry only after its commit) or was lost,
      // and the second read tells which. Read the other way round, a batch committed in between
      // would look lost (and be sent again, harmlessly, but for nothing).
      const askedAt = Date.now();
      const [seconds, micros, oldestId] = (await this.redis.eval(OLDEST_IN_STREAM, 1, this.stream)) as [
        string,
        string,
        string,
      ];
      const redisNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      const oldestAge = oldestId === '' ? null : redisNow - Number(oldestId.split('-')[0]);
      const stored = new Set<string>();
      for (let i = 0; i < due.length; i += this.options.lookupBatch) {
        const ids = due.slice(i, i + this.options.lookupBatch).map((entry) => entry.requestId);
        for (const id of await this.stored.storedAmong(ids)) stored.add(id);
      }
      let resent = 0;
      for (const entry of due) {
        if (!this.kept.has(entry.key) || entry.state !== 'sent') continue;
        if (stored.has(entry.requestId)) {
          this.kept.delete(entry.key);
          continue;
        }
        // Still in the stream when its oldest entry is at least as old as this event: the worker is
        // behind (or PostgreSQL is down), and sending again would only add a duplicate.
        const age = askedAt - entry.sentAt;
        if (oldestAge !== null && oldestAge + STREAM_AGE_MARGIN_MS >= age) continue;
        entry.state = 'queued';
        entry.seq = ++this.seq;
        entry.sends++;
        this.queue.push(entry);
        resent++;
      }
      if (resent > 0) {
        this.resentTotal.inc(resent);
        this.logger.warn(`${resent} usage events were neither stored nor in the stream; sending them again`);
        this.send();
      }
    } catch (error) {
      this.logger.debug(`usage outbox round skipped: ${(error as Error).message}`);
    }
  }
}
