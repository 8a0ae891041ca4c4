// The shared Redis connection (ioredis) and BullMQ's root configuration, both under REDIS_PREFIX
// so that several deployments (or test suites) can share one Redis.
import { BullModule } from '@nestjs/bullmq';
import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import Redis, { Cluster, type RedisOptions } from 'ioredis';
import { ChangeFeed } from './change-feed';
import { REDIS } from './redis-client';
import { bullConnection, connectRedis } from './redis-topology';
import { batchWritesPerTick } from './write-batching';

export { REDIS };

/** What BullMQ connects with, once per application: on a cluster a client this module closes. */
const BULL_CONNECTION = Symbol('BULL_CONNECTION');

@Module({
  providers: [{ provide: BULL_CONNECTION, inject: [APP_CONFIG], useFactory: bullConnection }],
  exports: [BULL_CONNECTION],
})
class BullConnectionModule {}

/**
 * Without an `error` listener ioredis prints each failed reconnect's stack to stderr, beside the JSON
 * log: instead, one warning when Redis goes away and one line when it answers again.
 */
function logOutages(redis: Redis, logger: Logger): void {
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn(`Redis unreachable: ${error.message}; retrying`);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.log('Redis reachable again');
  });
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(BULL_CONNECTION) private readonly bull: RedisOptions | Cluster,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    const clients: (Redis | Cluster)[] = [this.redis];
    if (this.bull instanceof Cluster) clients.push(this.bull);
    await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
  }
}

@Global()
@Module({
  imports: [
    BullConnectionModule,
    BullModule.forRootAsync({
      imports: [BullConnectionModule],
      inject: [APP_CONFIG, BULL_CONNECTION],
      useFactory: (config: AppConfig, connection: RedisOptions | Cluster) => ({
        connection,
        prefix: `${config.REDIS_PREFIX}:bull`,
      }),
    }),
  ],
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const redis = connectRedis(config, {
          connectionName: 'gateway',
          maxRetriesPerRequest: 2,
          // No command waits on a stalled Redis for longer than this (issue #14 item 5); a blocking
          // read takes a connection of its own without it.
          commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
        });
        // Commands issued in the same tick share one write (one syscall per command was a measured
        // hot spot), sent before the event loop moves on (write-batching.ts: not auto-pipelining).
        batchWritesPerTick(redis);
        logOutages(redis, new Logger('Redis'));
        return redis;
      },
    },
    RedisCloser,
    ChangeFeed,
  ],
  exports: [REDIS, BullModule, ChangeFeed],
})
export class RedisModule {}
