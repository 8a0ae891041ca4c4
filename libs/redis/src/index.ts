export { REDIS, RedisModule } from './redis.module';
export { QueueName } from './queue-name';
export { redisOptionsFromUrl } from './redis-options';
export { waitForRedis } from './redis-reachable';
