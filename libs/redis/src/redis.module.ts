// The shared Redis connection (ioredis) and BullMQ's root configuration, both under REDIS_PREFIX
// so that several deployments (or test suites) can share one Redis.
import { BullModule } from '@nestjs/bullmq';
import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import Redis from 'ioredis';
import { ChangeFeed } from './change-feed';
import { REDIS } from './redis-client';
import { redisOptionsFromUrl } from './redis-options';

export { REDIS };

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: redisOptionsFromUrl(config.REDIS_URL),
        prefix: `${config.REDIS_PREFIX}:bull`,
      }),
    }),
  ],
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new Redis({
          ...redisOptionsFromUrl(config.REDIS_URL),
          connectionName: 'gateway',
          maxRetriesPerRequest: 2,
          // No command waits on a stalled Redis for longer than this (issue #14 item 5); a blocking
          // read takes a connection of its own without it.
          commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
          // Commands issued in the same tick share one write: the relay's concurrent requests
          // each send a few commands, and one syscall per command was a measured hot spot.
          enableAutoPipelining: true,
        }),
    },
    RedisCloser,
    ChangeFeed,
  ],
  exports: [REDIS, BullModule, ChangeFeed],
})
export class RedisModule {}
