import type { AppConfig } from '@gateway/config';
import type Redis from 'ioredis';
import { StickySessions } from './sticky-sessions';

describe('StickySessions', () => {
  const config = { REDIS_PREFIX: 'gw' } as AppConfig;

  it('fails open: a Redis that does not answer routes the session as a new one', async () => {
    const redis = { get: () => Promise.reject(new Error('Command timed out')) } as unknown as Redis;
    await expect(new StickySessions(redis, config).keyFor('token', 'session')).resolves.toBeNull();
  });

  it('gives the remembered key when Redis answers', async () => {
    const redis = { get: () => Promise.resolve('key-1') } as unknown as Redis;
    await expect(new StickySessions(redis, config).keyFor('token', 'session')).resolves.toBe('key-1');
  });
});
