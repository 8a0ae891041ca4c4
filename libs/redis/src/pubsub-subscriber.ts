// One Redis pub/sub channel heard on a connection of its own (a subscribed connection can do nothing
// else), for the ChangeFeed and the token invalidation bus alike.
import type { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { duplicateRedis } from './redis-topology';

export interface PubSubSubscriberOptions {
  channel: string;
  /** Names the connection in CLIENT LIST. */
  connectionName: string;
  logger: Logger;
  /** A message on the channel, as it was published. */
  onMessage(payload: string): void;
  /** The subscription came up or dropped: messages may have been missed in between. */
  onLost(): void;
}

export class PubSubSubscriber {
  readonly channel: string;
  private subscriber?: Redis;
  private subscribed = false;

  constructor(
    private readonly redis: Redis,
    private readonly options: PubSubSubscriberOptions,
  ) {
    this.channel = options.channel;
  }

  /** True while the subscription stands, i.e. while no message can be missed. */
  get listening(): boolean {
    return this.subscribed;
  }

  /**
   * Starts subscribing without waiting for it (Redis may be down); a second call does nothing.
   * ioredis's autoResubscribe is off: we subscribe again ourselves after each reconnect, so that we
   * know when the subscription stands.
   */
  start(): void {
    if (this.subscriber) return;
    const { channel, logger } = this.options;
    const subscriber = duplicateRedis(this.redis, {
      connectionName: this.options.connectionName,
      autoResubscribe: false,
    });
    this.subscriber = subscriber;
    // One warning per outage: ioredis reports every failed reconnect, a few a second at first.
    let failing = false;
    subscriber.on('error', (error: Error) => {
      if (failing) return;
      failing = true;
      logger.warn(`subscriber: ${error.message}`);
    });
    subscriber.on('message', (from: string, payload: string) => {
      if (from === channel) this.options.onMessage(payload);
    });
    subscriber.on('close', () => this.dropped());
    subscriber.on('ready', () => {
      failing = false;
      subscriber.subscribe(channel).then(
        () => {
          if (this.subscriber !== subscriber) return;
          this.subscribed = true;
          this.options.onLost();
        },
        (error: Error) => logger.warn(`could not subscribe to ${channel}: ${error.message}`),
      );
    });
  }

  async stop(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.dropped();
    await subscriber?.quit().catch(() => subscriber.disconnect());
  }

  private dropped(): void {
    if (!this.subscribed) return;
    this.subscribed = false;
    this.options.onLost();
  }
}
