import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './embedded-postgres';
import { ensureLocalRedis, redisAnswers } from './local-redis';

describe('ensureLocalRedis (npm start without REDIS_URL)', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'gw-redis-'));
  const log = jest.fn();

  it('uses a Redis that already answers and leaves it running on stop', async () => {
    const redis = await ensureLocalRedis({ url: 'redis://127.0.0.1:6379', dataDir: dataDir(), log });
    await redis.stop();
    expect(await redisAnswers('redis://127.0.0.1:6379')).toBe(true);
  });

  it('starts redis-server from PATH when nothing answers, and stops it again', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    expect(await redisAnswers(url)).toBe(false);
    const redis = await ensureLocalRedis({ url, dataDir: dataDir(), log });
    try {
      expect(await redisAnswers(url)).toBe(true);
    } finally {
      await redis.stop();
    }
    expect(await redisAnswers(url)).toBe(false);
  });

  it('says in one line what to install when there is no Redis and no redis-server', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      await expect(ensureLocalRedis({ url, dataDir: dataDir(), log })).rejects.toThrow(
        /no redis-server is on PATH: install Redis .* or set REDIS_URL/,
      );
    } finally {
      process.env['PATH'] = path;
    }
  });
});
