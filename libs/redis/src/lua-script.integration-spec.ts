import { randomUUID } from 'node:crypto';
import { TEST_REDIS_URL } from '@gateway/testing';
import Redis from 'ioredis';
import { LuaScript } from './lua-script';

// Each test's script is new to Redis (a unique comment changes its SHA1), so its first run meets
// NOSCRIPT as it would on a fresh or restarted Redis, without flushing the scripts other suites use.
const unique = (lua: string) => `-- ${randomUUID()}\n${lua}`;

describe('LuaScript (real Redis)', () => {
  let redis: Redis;
  const prefix = `lua-script-spec:${randomUUID()}`;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1, enableAutoPipelining: true });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const cached = async (script: LuaScript) => ((await redis.script('EXISTS', script.sha)) as number[])[0];

  it('runs a script Redis has not seen, which loads it, then runs it by its SHA1', async () => {
    const script = new LuaScript<[string, string, number]>(
      unique(`return {KEYS[1], ARGV[1], redis.call('INCRBY', KEYS[1], ARGV[2])}`),
      1,
    );
    const key = `${prefix}:counter`;
    expect(await cached(script)).toBe(0);
    expect(await script.run(redis, key, 'first', 5)).toEqual([key, 'first', 5]);
    expect(await cached(script)).toBe(1);
    // Run once: NOSCRIPT was answered before the script ran, so nothing was counted twice.
    expect(await script.run(redis, key, 'second', 2)).toEqual([key, 'second', 7]);
  });

  it('takes the count of KEYS as the first argument when it has no numberOfKeys', async () => {
    const script = new LuaScript<string[]>(
      unique(`return {tostring(#KEYS), tostring(#ARGV), KEYS[#KEYS], ARGV[1]}`),
    );
    expect(await script.run(redis, 3, `${prefix}:a`, `${prefix}:b`, `${prefix}:c`, 'x', 'y')).toEqual([
      '3',
      '2',
      `${prefix}:c`,
      'x',
    ]);
    expect(await script.run(redis, 0, 'only-argv')).toEqual(['0', '1']);
  });

  it("passes the script's own errors on, and does not run it a second time for them", async () => {
    const script = new LuaScript(
      unique(`redis.call('INCR', KEYS[1]) return redis.error_reply('REFUSED by the script')`),
      1,
    );
    const key = `${prefix}:errors`;
    await expect(script.run(redis, key)).rejects.toThrow('REFUSED by the script');
    await expect(script.run(redis, key)).rejects.toThrow('REFUSED by the script');
    expect(await redis.get(key)).toBe('2');
  });
});
