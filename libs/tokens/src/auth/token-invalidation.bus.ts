// Tells every api process that a token changed, so each drops its cached snapshot: Redis pub/sub on
// `${REDIS_PREFIX}:tokens:invalidate`, one subscriber connection per process.
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { PubSubSubscriber, REDIS } from '@gateway/redis';
import type Redis from 'ioredis';

export interface TokenInvalidation {
  id: string;
  keyHash: string;
}

/** 'all': the connection dropped or came back, so any message may have been missed. */
type Listener = (message: TokenInvalidation | 'all') => void;

@Injectable()
export class TokenInvalidationBus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('TokenInvalidation');
  private readonly listeners = new Set<Listener>();
  private readonly subscriber: PubSubSubscriber;
  readonly channel: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = `${config.REDIS_PREFIX}:tokens:invalidate`;
    this.subscriber = new PubSubSubscriber(redis, {
      channel: this.channel,
      connectionName: 'gateway-token-invalidation',
      logger: this.logger,
      onMessage: (payload) => {
        const message = parse(payload);
        if (message) this.emit(message);
        else this.logger.warn('ignored a malformed invalidation message');
      },
      onLost: () => this.emit('all'),
    });
  }

  /**
   * True while this process is sure to hear every invalidation. Caches must not be trusted (or
   * filled) otherwise: a change published while the subscription was down would go unnoticed.
   */
  get listening(): boolean {
    return this.subscriber.listening;
  }

  /**
   * Starts subscribing without waiting for it: the api must come up (and answer /health) while
   * Redis is down; until the subscription stands, `listening` is false.
   */
  onModuleInit(): void {
    this.subscriber.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber.stop();
  }

  /** `listener` hears every invalidation, including this process's own. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async publish(message: TokenInvalidation): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify({ id: message.id, keyHash: message.keyHash }));
  }

  private emit(message: TokenInvalidation | 'all'): void {
    for (const listener of this.listeners) listener(message);
  }
}

function parse(payload: string): TokenInvalidation | undefined {
  try {
    const value = JSON.parse(payload) as Partial<TokenInvalidation>;
    if (typeof value.id === 'string' || typeof value.keyHash === 'string') {
      return { id: String(value.id ?? ''), keyHash: String(value.keyHash ?? '') };
    }
  } catch {
    // fall through
  }
  return undefined;
}
