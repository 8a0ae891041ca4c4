// Redis going away and coming back, as the api's log shows it: the log is JSON (README "What runs"),
// so a Redis outage is one warning in it and its end one line, not a stack printed by ioredis to
// stderr for every reconnect attempt; /ready turns 503 and back to 200 without a restart.
import { startApi, type ApiHarness } from '../api-harness';
import { spawnWorker, startRedisServer, type RedisProcess } from '../drills/drill-processes';
import { freePort, startApiProcess, whenReady, type ApiProcess } from './api-process';
import { waitFor } from '@gateway/testing';

describe('a Redis outage in the api’s log', () => {
  let api: ApiHarness;
  let redis: RedisProcess;
  let proc: ApiProcess | undefined;

  beforeAll(async () => {
    api = await startApi('redis_outage_log');
    redis = await startRedisServer();
  });

  afterAll(async () => {
    if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await redis?.stop();
    await api?.close();
  });

  it('logs one JSON warning per outage and one line when Redis is back, and /ready follows', async () => {
    proc = startApiProcess(api, await freePort(), { REDIS_URL: redis.url, SHUTDOWN_GRACE_MS: '1000' });
    await whenReady(proc);
    const ready = async () => (await fetch(`http://127.0.0.1:${proc!.port}/ready`)).status;
    const before = proc.output().length;

    // Down for 3 s: ioredis retries every 50 ms, growing to 2 s, so a dozen attempts fail meanwhile.
    const restarted = redis.restart(3_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await ready()).toBe(503);
    await restarted;
    await waitFor(
      'the api to be ready again',
      async () => ((await ready()) === 200 ? true : undefined),
      10_000,
    );
    // The log is written asynchronously: /ready can answer before the line is out.
    await waitFor(
      'the line saying Redis is back',
      async () => (proc!.output().slice(before).includes('Redis reachable again') ? true : undefined),
      5_000,
    );

    const during = proc.output().slice(before);
    const lines = during.split('\n').filter((line) => line.trim() !== '');
    expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages.filter((msg) => msg.startsWith('Redis unreachable'))).toHaveLength(1);
    expect(messages.filter((msg) => msg === 'Redis reachable again')).toHaveLength(1);
    // The change feed's and the token invalidation bus's subscribers: one warning each.
    expect(messages.filter((msg) => msg.startsWith('subscriber: '))).toHaveLength(2);

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });

  it('the worker too: its queues’ errors are warnings in the JSON log, and its usage stream resumes', async () => {
    const worker = await spawnWorker(api, { REDIS_URL: redis.url });
    try {
      const before = worker.output().length;
      await redis.restart(3_000);
      await waitFor(
        'the worker to read usage again',
        async () => (worker.output().includes('usage ingestion works again') ? true : undefined),
        15_000,
      );
      const lines = worker
        .output()
        .slice(before)
        .split('\n')
        .filter((line) => line.trim() !== '');
      expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
      const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages.filter((msg) => msg.startsWith('Redis unreachable'))).toHaveLength(1);
    } finally {
      await worker.stop();
    }
  });
});
