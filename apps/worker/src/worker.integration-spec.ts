// The worker end to end: a real BullMQ queue on the real Redis, a job enqueued the way the api would,
// processed by the worker against the real database; the repeatable schedule registered once; a job
// no processor knows failed without retries.
import { getQueueToken } from '@nestjs/bullmq';
import { PRUNE_EXPIRED_SESSIONS_JOB, Role, Session, User } from '@gateway/identity';
import { QueueName, redisOptionsFromUrl } from '@gateway/redis';
import { TestRedis, waitFor } from '@gateway/testing';
import { Queue, QueueEvents } from 'bullmq';
import { DataSource } from 'typeorm';
import { startWorkerPair, type WorkerPair } from './worker-pair.fixtures';
import { bullWorkers } from './worker-app';

const HOUR = 3_600_000;

describe('worker process', () => {
  let pair: WorkerPair;
  let redis: TestRedis;
  let dataSource: DataSource;
  let workers: WorkerPair['workers'];

  beforeAll(async () => {
    pair = await startWorkerPair('worker');
    ({ redis, dataSource, workers } = pair);
    // A new schedule runs its first iteration at once; let it finish so it cannot race the tests.
    const queue = workers[0]!.get<Queue>(getQueueToken(QueueName.Identity));
    await waitFor('the first scheduled prune', async () =>
      (await queue.getJobCounts('completed')).completed >= 1 ? true : undefined,
    );
  });
  afterAll(() => pair?.close());

  it('finds the BullMQ worker of every processor, which a stopping worker closes before the database', () => {
    const running = bullWorkers(workers[0]!);
    expect(running.map((worker) => worker.name).sort()).toEqual(
      [
        QueueName.Channels,
        QueueName.Identity,
        QueueName.Invoices,
        QueueName.InvoiceDelivery,
        QueueName.Usage,
      ].sort(),
    );
    expect(running.every((worker) => worker.isRunning())).toBe(true);
  });

  it('prunes expired and long-revoked sessions through the identity queue, keeping live ones', async () => {
    const user = await dataSource
      .getRepository(User)
      .save({ email: 'u@example.test', passwordHash: 'x', role: Role.Member, disabled: false });
    const now = Date.now();
    const session = (label: string, expiresAt: number, revokedAt: number | null) => ({
      userId: user.id,
      tokenHash: label.padEnd(64, '0'),
      expiresAt: new Date(expiresAt),
      revokedAt: revokedAt === null ? null : new Date(revokedAt),
      ip: null,
      userAgent: null,
    });
    await dataSource.getRepository(Session).insert([
      session('a1', now - 48 * HOUR, null), // expired long ago: pruned
      session('b2', now - 48 * HOUR + 10 * HOUR, now - 30 * HOUR), // revoked long ago: pruned
      session('c3', now + 24 * HOUR, null), // live: kept
      session('d4', now - 1 * HOUR, null), // just expired, inside the grace period: kept
      session('e5', now + 24 * HOUR, now - 1 * HOUR), // just revoked: kept
    ]);

    // Enqueue exactly as another process would: by queue name and job name, on the shared prefix.
    const connection = redisOptionsFromUrl(redis.url);
    const queue = new Queue(QueueName.Identity, { connection, prefix: `${redis.prefix}:bull` });
    const events = new QueueEvents(QueueName.Identity, { connection, prefix: `${redis.prefix}:bull` });
    try {
      await events.waitUntilReady();
      const job = await queue.add(PRUNE_EXPIRED_SESSIONS_JOB, {});
      const result = await job.waitUntilFinished(events, 15_000);
      expect(result).toEqual({ deleted: 2 });
      const left = await dataSource.getRepository(Session).find();
      expect(left.map((s) => s.tokenHash.slice(0, 2)).sort()).toEqual(['c3', 'd4', 'e5']);

      // Running it again changes nothing: jobs are idempotent.
      const again = await queue.add(PRUNE_EXPIRED_SESSIONS_JOB, {});
      expect(await again.waitUntilFinished(events, 15_000)).toEqual({ deleted: 0 });
    } finally {
      await events.close();
      await queue.close();
    }
  });

  it('fails a job it has no case for at once, on every queue, instead of retrying it', async () => {
    const connection = redisOptionsFromUrl(redis.url);
    await Promise.all(
      Object.values(QueueName).map(async (name) => {
        const queue = new Queue(name, { connection, prefix: `${redis.prefix}:bull` });
        const events = new QueueEvents(name, { connection, prefix: `${redis.prefix}:bull` });
        try {
          await events.waitUntilReady();
          const job = await queue.add(
            'NoSuchJob',
            {},
            { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
          );
          await expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow(
            `unknown job NoSuchJob on queue ${name}`,
          );
          const failed = await queue.getJob(job.id!);
          expect(await failed!.getState()).toBe('failed');
          expect(failed!.attemptsMade).toBe(1);
        } finally {
          await events.close();
          await queue.close();
        }
      }),
    );
  });

  it('registers the hourly prune schedule once, however many workers start', async () => {
    const queue = workers[0]!.get<Queue>(getQueueToken(QueueName.Identity));
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({
      key: PRUNE_EXPIRED_SESSIONS_JOB,
      name: PRUNE_EXPIRED_SESSIONS_JOB,
      every: HOUR,
    });
  });
});
