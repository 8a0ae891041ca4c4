export { REDIS, RedisModule } from './redis.module';
export { QueueName } from './queue-name';
export { unknownJob } from './unknown-job';
export { redisOptionsFromUrl } from './redis-options';
export { waitForRedis } from './redis-reachable';
export { ChangeFeed } from './change-feed';
export type { Change, ChangeListener } from './change-feed';
export { AnnouncedSnapshot } from './announced-snapshot';
