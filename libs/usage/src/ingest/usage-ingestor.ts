// The worker's end of the usage buffer: reads the stream through a consumer group shared by every
// worker, stores each batch with one idempotent INSERT, then acknowledges and deletes the entries.
// An entry is acknowledged only after its row is committed, so a worker dying mid-batch loses
// nothing: its entries stay pending and another worker takes them over (XAUTOCLAIM) once idle.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { duplicateRedis, REDIS } from '@gateway/redis';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { parseUsageEvent } from '../usage-event-parser';
import {
  USAGE_CONSUMER_GROUP,
  USAGE_DEAD_MAXLEN,
  USAGE_EVENT_FIELD,
  usageDeadStreamKey,
  usageStreamKey,
} from '../usage-stream';
import { storeUsageEvents, type HeldUsageEvent } from './store-usage-events';

export interface UsageIngestorOptions {
  /** Entries read (and inserted) per round. */
  batchSize: number;
  /** How long one XREADGROUP waits for new entries. */
  blockMs: number;
  /** A pending entry idle this long belongs to a consumer presumed dead, and is taken over. */
  claimIdleMs: number;
  /** How often a worker looks for such entries. */
  claimEveryMs: number;
  /** Pause after a failed round (Redis or PostgreSQL unreachable) before trying again. */
  retryMs: number;
  /**
   * After a round that read fewer than a batch, wait this long before the next, so that a gateway
   * at a low rate still stores its records a batch per INSERT rather than one per request.
   */
  lingerMs: number;
}

export const DEFAULT_USAGE_INGESTOR_OPTIONS: Readonly<UsageIngestorOptions> = Object.freeze({
  batchSize: 500,
  blockMs: 1_000,
  claimIdleMs: 30_000,
  claimEveryMs: 5_000,
  retryMs: 1_000,
  lingerMs: 100,
});

/** Overrides of DEFAULT_USAGE_INGESTOR_OPTIONS. */
export const USAGE_INGESTOR_OPTIONS = Symbol('USAGE_INGESTOR_OPTIONS');

/** What one round did. `duplicates`: valid entries whose request id was already stored. */
export interface IngestRound {
  read: number;
  claimed: number;
  inserted: number;
  duplicates: number;
  dead: number;
}

/** [id, [field, value, ...]]; fields are null for an entry deleted while it was pending. */
type StreamEntry = [id: string, fields: string[] | null];

interface DeadEntry {
  id: string;
  raw: string;
  reason: string;
}

@Injectable()
export class UsageIngestor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('UsageIngestor');
  /** Unique per process (and per instance), so a restarted worker never inherits a dead one's name. */
  readonly consumer = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly stream: string;
  private readonly deadStream: string;
  private readonly options: UsageIngestorOptions;
  /** The blocking XREADGROUP gets a connection of its own, so it never delays other commands. */
  private reader: Redis | undefined;
  private loop: Promise<void> | undefined;
  private running = false;
  private groupReady = false;
  /** Re-read this consumer's own pending entries (after a failed round) before new ones. */
  private ownPending = true;
  private claimCursor = '0-0';
  private lastClaim = 0;
  private wake: (() => void) | undefined;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'REDIS_PREFIX'>,
    @Optional() @Inject(USAGE_INGESTOR_OPTIONS) options?: Partial<UsageIngestorOptions>,
  ) {
    this.stream = usageStreamKey(config.REDIS_PREFIX);
    this.deadStream = usageDeadStreamKey(config.REDIS_PREFIX);
    this.options = { ...DEFAULT_USAGE_INGESTOR_OPTIONS, ...options };
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Before the DataSource and the shared Redis connection close (onApplicationShutdown). */
  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Runs rounds until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Ends the loop promptly: a blocked read is cut off; a batch being stored is finished first. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    this.closeReader();
    await this.loop;
    this.loop = undefined;
  }

  private closeReader(): void {
    const reader = this.reader;
    // Once only: ioredis arms a 2 s timer per disconnect() that only a socket closing clears.
    this.reader = undefined;
    reader?.disconnect();
  }

  /**
   * One round: take over entries abandoned by dead consumers (when due), read new entries (waiting
   * up to `blockMs` inside the running loop, not at all otherwise), store them. Safe to call on its
   * own, without start() (tests do).
   */
  async ingestOnce(blockMs = 0): Promise<IngestRound> {
    await this.ensureGroup();
    const round: IngestRound = { read: 0, claimed: 0, inserted: 0, duplicates: 0, dead: 0 };
    if (Date.now() - this.lastClaim >= this.options.claimEveryMs) {
      const claimed = await this.claimAbandoned();
      this.lastClaim = Date.now();
      round.claimed = claimed.length;
      add(round, await this.store(claimed));
    }
    const entries = await this.read(blockMs);
    round.read = entries.length;
    add(round, await this.store(entries));
    return round;
  }

  private async run(): Promise<void> {
    let failing = false;
    while (this.running) {
      try {
        const round = await this.ingestOnce(this.options.blockMs);
        if (failing) this.logger.log('usage ingestion works again');
        failing = false;
        if (
          round.read > 0 &&
          round.read < this.options.batchSize &&
          this.options.lingerMs > 0 &&
          this.running
        )
          await this.pause(this.options.lingerMs);
      } catch (error) {
        if (!this.running) break;
        // Once per outage, not once per retry.
        if (!failing) {
          this.logger.warn(
            `usage ingestion failed, retrying every ${this.options.retryMs} ms: ${(error as Error).message}`,
          );
        }
        failing = true;
        await this.pause(this.options.retryMs);
      }
    }
  }

  private async ensureGroup(): Promise<void> {
    if (this.groupReady) return;
    try {
      // From 0, not $: events the api recorded before any worker existed are ingested too.
      await this.redis.xgroup('CREATE', this.stream, USAGE_CONSUMER_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
    }
    this.groupReady = true;
  }

  private async claimAbandoned(): Promise<StreamEntry[]> {
    const reply = (await this.guard(() =>
      this.redis.xautoclaim(
        this.stream,
        USAGE_CONSUMER_GROUP,
        this.consumer,
        this.options.claimIdleMs,
        this.claimCursor,
        'COUNT',
        this.options.batchSize,
      ),
    )) as [next: string, entries: StreamEntry[], deleted?: string[]];
    this.claimCursor = reply[0];
    return reply[1];
  }

  private async read(blockMs: number): Promise<StreamEntry[]> {
    if (this.ownPending) {
      const pending = await this.readGroup(this.redis, '0', 0);
      if (pending.length > 0) return pending;
      this.ownPending = false;
    }
    if (blockMs <= 0 || !this.running) return this.readGroup(this.redis, '>', 0);
    this.reader ??= this.openReader();
    return this.readGroup(this.reader, '>', blockMs);
  }

  private openReader(): Redis {
    // Its XREADGROUP blocks on purpose: the shared client's command timeout is not for it.
    const reader = duplicateRedis(this.redis, {
      connectionName: 'gateway-usage-reader',
      commandTimeout: undefined,
    });
    // Failures surface as rejected reads (logged by the loop); this only keeps ioredis quiet.
    reader.on('error', () => undefined);
    return reader;
  }

  private async readGroup(client: Redis, from: '0' | '>', blockMs: number): Promise<StreamEntry[]> {
    const args: (string | number)[] = ['GROUP', USAGE_CONSUMER_GROUP, this.consumer];
    args.push('COUNT', this.options.batchSize);
    if (blockMs > 0) args.push('BLOCK', blockMs);
    args.push('STREAMS', this.stream, from);
    const reply = (await this.guard(() => client.call('XREADGROUP', ...args))) as
      [stream: string, entries: StreamEntry[]][] | null;
    return reply?.[0]?.[1] ?? [];
  }

  /** Stores a batch, then acknowledges and deletes every entry of it (stored, dead or gone). */
  private async store(entries: StreamEntry[]): Promise<Omit<IngestRound, 'read' | 'claimed'>> {
    if (entries.length === 0) return { inserted: 0, duplicates: 0, dead: 0 };
    const valid: HeldUsageEvent<string>[] = [];
    const dead: DeadEntry[] = [];
    for (const [id, fields] of entries) {
      if (fields === null) continue; // deleted while pending: someone already stored it
      const raw = fieldValue(fields, USAGE_EVENT_FIELD);
      const parsed = raw === undefined ? undefined : parseUsageEvent(raw);
      if (!parsed?.ok) {
        const reason = parsed?.reason ?? `no "${USAGE_EVENT_FIELD}" field`;
        dead.push({ id, raw: raw ?? JSON.stringify(fields), reason });
        continue;
      }
      valid.push({ id, event: parsed.event });
    }
    let inserted: number;
    let refused: DeadEntry[];
    try {
      // One row per request id, even when the stream holds the event twice (storeUsageEvents).
      const stored = await storeUsageEvents(this.dataSource, valid);
      inserted = stored.inserted;
      refused = stored.refused.map(({ id, event, reason }) => ({ id, raw: JSON.stringify(event), reason }));
    } catch (error) {
      // Left pending: this consumer re-reads them next round (or another takes them over).
      this.ownPending = true;
      throw error;
    }
    dead.push(...refused);
    const ids = entries.map(([id]) => id);
    const tx = this.redis.multi();
    for (const entry of dead) {
      tx.xadd(this.deadStream, 'MAXLEN', '~', USAGE_DEAD_MAXLEN, '*', ...deadFields(entry));
    }
    tx.xack(this.stream, USAGE_CONSUMER_GROUP, ...ids);
    tx.xdel(this.stream, ...ids);
    await this.guard(() => tx.exec());
    for (const entry of dead) {
      this.logger.warn(`moved usage entry ${entry.id} to ${this.deadStream}: ${entry.reason}`);
    }
    return { inserted, duplicates: valid.length - refused.length - inserted, dead: dead.length };
  }

  /** A NOGROUP reply means the stream (and its group) vanished: recreate it next round. */
  private async guard<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (String((error as Error).message).startsWith('NOGROUP')) this.groupReady = false;
      throw error;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function fieldValue(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

function deadFields(entry: DeadEntry): string[] {
  return [USAGE_EVENT_FIELD, entry.raw, 'reason', entry.reason, 'source', entry.id];
}

function add(round: IngestRound, part: Omit<IngestRound, 'read' | 'claimed'>): void {
  round.inserted += part.inserted;
  round.duplicates += part.duplicates;
  round.dead += part.dead;
}
