// Tells every process that some configuration changed (channels, tenants, prices), so that each can
// reload its in-process snapshot: Redis pub/sub on `${REDIS_PREFIX}:changes`, one subscriber
// connection per process, shared by every topic.
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import type Redis from 'ioredis';
import { PubSubSubscriber } from './pubsub-subscriber';
import { REDIS } from './redis-client';

/** What changed: a topic (e.g. `channels`) and optionally the id of the changed row. */
export interface Change {
  topic: string;
  id: string | null;
}

/** `'lost'`: the subscription dropped or came back, so changes may have been missed: reload everything. */
export type ChangeListener = (change: Change | 'lost') => void;

@Injectable()
export class ChangeFeed implements OnApplicationShutdown {
  private readonly logger = new Logger('ChangeFeed');
  private readonly listeners = new Map<string, Set<ChangeListener>>();
  private readonly subscriber: PubSubSubscriber;
  readonly channel: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = `${config.REDIS_PREFIX}:changes`;
    this.subscriber = new PubSubSubscriber(redis, {
      channel: this.channel,
      connectionName: 'gateway-changes',
      logger: this.logger,
      onMessage: (payload) => {
        const change = parseChange(payload);
        if (change) this.emit(change.topic, change);
        else this.logger.warn('ignored a malformed change message');
      },
      onLost: () => this.emitAll('lost'),
    });
  }

  /** True while this process is sure to hear every change; caches must not be trusted otherwise. */
  get listening(): boolean {
    return this.subscriber.listening;
  }

  /** `listener` hears every change of `topic` (this process's own included) and every `'lost'`. */
  subscribe(topic: string, listener: ChangeListener): () => void {
    // Subscribes lazily, on the first listener: processes that only publish need no extra connection.
    this.subscriber.start();
    const set = this.listeners.get(topic) ?? new Set<ChangeListener>();
    set.add(listener);
    this.listeners.set(topic, set);
    return () => set.delete(listener);
  }

  /**
   * Announces a committed change. This process's own listeners hear it at once, before the answer to
   * the write goes out (an operator who creates a chain and calls it next must not meet the table
   * from before it; Redis's echo, a moment later, is heard again), every other process through
   * Redis. Failing to publish is logged, not thrown: the change stands.
   */
  async publish(topic: string, id: string | null = null): Promise<void> {
    this.emit(topic, { topic, id });
    try {
      await this.redis.publish(this.channel, JSON.stringify({ topic, id }));
    } catch (error) {
      this.logger.error(`could not announce a change of ${topic}: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber.stop();
  }

  private emit(topic: string, change: Change): void {
    for (const listener of this.listeners.get(topic) ?? []) listener(change);
  }

  private emitAll(change: 'lost'): void {
    for (const set of this.listeners.values()) for (const listener of set) listener(change);
  }
}

function parseChange(payload: string): Change | undefined {
  try {
    const value = JSON.parse(payload) as Partial<Change>;
    if (typeof value.topic !== 'string' || value.topic === '') return undefined;
    return { topic: value.topic, id: typeof value.id === 'string' ? value.id : null };
  } catch {
    return undefined;
  }
}
