// The usage rollup through the real worker processes: two workers on one queue, the rollup
// scheduled once (retried with backoff), retention not scheduled while it is off, and a burst of
// rollup jobs processed by both workers at once leaving exact rollups (no double counting).
import { getQueueToken } from '@nestjs/bullmq';
import { QueueName, redisOptionsFromUrl } from '@gateway/redis';
import type { TestRedis } from '@gateway/testing';
import { PRUNE_USAGE_RECORDS_JOB, ROLLUP_USAGE_JOB } from '@gateway/usage';
import { Queue, QueueEvents } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { startWorkerPair, type WorkerPair } from './worker-pair.fixtures';

const HOUR = 3_600_000;

describe('usage rollups in the worker', () => {
  let pair: WorkerPair;
  let redis: TestRedis;
  let dataSource: DataSource;
  let workers: WorkerPair['workers'];

  beforeAll(async () => {
    pair = await startWorkerPair('worker-rollup', { poolSize: 4 });
    ({ redis, dataSource, workers } = pair);
  });
  afterAll(() => pair?.close());

  const insert = async (count: number, start: number) => {
    const tenant = randomUUID();
    await dataSource.query(
      `INSERT INTO usage_records (request_id, started_at, tenant_id, token_id, endpoint, model, stream,
         prompt_tokens, cached_tokens, completion_tokens, reasoning_tokens, usage_source, cost_nano,
         latency_ms, ttft_ms, status)
       SELECT gen_random_uuid()::text, to_timestamp($2::float8 / 1000) + (i * interval '7 minutes'), $1, $1,
         'chat.completions', 'm-' || (i % 3), false, i, 0, i * 2, 0, 'upstream', i * 1000, 100 + i % 17,
         CASE WHEN i % 4 = 0 THEN NULL ELSE 20 + i % 5 END, CASE WHEN i % 9 = 0 THEN 500 ELSE 200 END
       FROM generate_series(1, $3::int) AS i`,
      [tenant, start, count],
    );
  };

  it('schedules the rollup once however many workers start, retried with backoff; no retention while off', async () => {
    const queue = workers[0]!.get<Queue>(getQueueToken(QueueName.Usage));
    const schedulers = await queue.getJobSchedulers();
    const rollup = schedulers.filter((s) => s.name === ROLLUP_USAGE_JOB);
    expect(rollup).toHaveLength(1);
    expect(rollup[0]).toMatchObject({ every: 60_000 });
    expect(rollup[0]?.template?.opts).toMatchObject({ attempts: 5, backoff: { type: 'exponential' } });
    expect(schedulers.some((s) => s.name === PRUNE_USAGE_RECORDS_JOB)).toBe(false);
  });

  it('rolls up through the queue with both workers taking jobs at once, exactly', async () => {
    const base = Math.floor(Date.now() / HOUR) * HOUR - 30 * HOUR;
    await insert(300, base);
    await insert(200, base + 5 * HOUR);

    const connection = redisOptionsFromUrl(redis.url);
    const queue = new Queue(QueueName.Usage, { connection, prefix: `${redis.prefix}:bull` });
    const events = new QueueEvents(QueueName.Usage, { connection, prefix: `${redis.prefix}:bull` });
    try {
      await events.waitUntilReady();
      // Several at once: the workers run them concurrently; each either rolls up or skips.
      const jobs = await Promise.all(Array.from({ length: 6 }, () => queue.add(ROLLUP_USAGE_JOB, {})));
      const results = await Promise.all(jobs.map((job) => job.waitUntilFinished(events, 30_000)));
      const rolledHours = results.reduce((n, r: { hours: string[] }) => n + r.hours.length, 0);
      expect(rolledHours).toBeGreaterThan(0);
      // Records landing meanwhile were marked; one more run takes whatever is left.
      const last = await queue.add(ROLLUP_USAGE_JOB, {});
      await last.waitUntilFinished(events, 30_000);
    } finally {
      await events.close();
      await queue.close();
    }
    const [{ n: pending }] = await dataSource.query(`SELECT count(*)::int AS n FROM usage_rollup_pending`);
    expect(pending).toBe(0);
    const [diff] = await dataSource.query(`
      WITH raw AS (
        SELECT date_trunc('hour', started_at, 'UTC') AS hour, tenant_id, model, status,
          count(*)::int AS requests, sum(cost_nano)::bigint AS cost
        FROM usage_records GROUP BY 1, 2, 3, 4),
      rolled AS (SELECT hour, tenant_id, model, status, requests, cost_nano FROM usage_rollup_hourly),
      days AS (
        SELECT (hour AT TIME ZONE 'UTC')::date AS day, sum(requests)::int AS requests FROM raw GROUP BY 1
        EXCEPT ALL
        SELECT day, sum(requests)::int FROM usage_rollup_daily GROUP BY 1)
      SELECT (SELECT count(*) FROM (SELECT * FROM raw EXCEPT ALL SELECT * FROM rolled) a)::int AS missing,
             (SELECT count(*) FROM (SELECT * FROM rolled EXCEPT ALL SELECT * FROM raw) b)::int AS extra,
             (SELECT count(*) FROM days)::int AS days`);
    expect(diff).toEqual({ missing: 0, extra: 0, days: 0 });
  });
});
