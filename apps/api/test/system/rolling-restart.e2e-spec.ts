// A rolling restart loses nothing: two api processes (from dist/) under steady streaming load through
// the official SDK against slow mock-upstream streams; one gets SIGTERM mid-stream and is started
// again. Every request either completed or was never accepted (0 cut streams), every accepted one
// has its usage record, and the books reconcile.
import { BalanceMirror } from '@gateway/billing';
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import type { UsageIngestor } from '@gateway/usage';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startApi, type ApiHarness } from '../api-harness';
import { seedSlowStream, startIngestor, usageRecordsStored } from '../relay/relay-fixture';
import { freePort, startApiProcess, whenReady, type ApiProcess } from './api-process';

const GRACE_MS = Number(process.env['ROLLING_GRACE_MS'] ?? 15_000);
// 16 chunks 120 ms apart: each stream lasts ~2 s, so SIGTERM always finds some in flight.
const SLOW_KEY = 'sk-mock-slow;chunks=16;chunkDelay=120;tokens=16';

type Outcome = 'completed' | 'refused' | 'cut';

describe('a rolling restart under streaming load', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let ingestor: UsageIngestor;
  let admin: string;
  const processes: ApiProcess[] = [];

  function startProcess(port: number): ApiProcess {
    const started = startApiProcess(api, port, { SHUTDOWN_GRACE_MS: String(GRACE_MS) });
    processes.push(started);
    return started;
  }

  beforeAll(async () => {
    mock = await startMockUpstream();
    api = await startApi('rolling_restart');
    ingestor = startIngestor(api);
    admin = await api.adminToken();
  });

  afterAll(async () => {
    for (const proc of processes) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await ingestor?.stop();
    await api?.close();
    await mock?.close();
  });

  it('completes or never accepts every request, records each accepted one, and the books reconcile', async () => {
    const { key, tenantId } = await seedSlowStream(
      api,
      admin,
      { baseUrl: mock.baseUrl, key: SLOW_KEY },
      '100',
    );

    const ports = [await freePort(), await freePort()] as [number, number];
    const first = startProcess(ports[0]);
    startProcess(ports[1]);
    await Promise.all([whenReady(first), whenReady(processes[1]!)]);
    const clients = ports.map(
      (port) =>
        new OpenAI({ apiKey: key, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0, timeout: 30_000 }),
    );

    const outcomes: Outcome[] = [];
    /** Streams on the first process that had started when it got SIGTERM, and how each ended. */
    const onFirstAtSigterm: Promise<Outcome>[] = [];
    const streamingOnFirst = new Set<Promise<Outcome>>();
    let running = true;

    const once = async (target: 0 | 1): Promise<Outcome> => {
      let stream;
      try {
        stream = await clients[target]!.chat.completions.create({
          model: 'm-slow',
          messages: [{ role: 'user', content: 'tell me something long' }],
          stream: true,
          stream_options: { include_usage: true },
        });
      } catch (error) {
        // Refused before any answer: the process was not accepting (never accepted).
        if (error instanceof OpenAI.APIConnectionError) return 'refused';
        throw error;
      }
      let finished = false;
      let usage = false;
      try {
        for await (const chunk of stream) {
          if (chunk.choices[0]?.finish_reason) finished = true;
          if (chunk.usage) usage = true;
        }
      } catch {
        return 'cut';
      }
      return finished && usage ? 'completed' : 'cut';
    };

    const loop = async (lane: number) => {
      let n = lane;
      while (running) {
        const target = (n++ % 2) as 0 | 1;
        const attempt = once(target);
        if (target === 0) {
          streamingOnFirst.add(attempt);
          void attempt.finally(() => streamingOnFirst.delete(attempt));
        }
        const outcome = await attempt.catch((error: unknown) => {
          console.error(`lane ${lane}:`, error);
          return 'cut' as const;
        });
        outcomes.push(outcome);
        if (outcome === 'refused') await new Promise((r) => setTimeout(r, 100));
      }
    };
    const lanes = Array.from({ length: 8 }, (_, lane) => loop(lane));
    try {
      // Mid-stream: SIGTERM to the first process, then start it again once it has exited.
      await new Promise((r) => setTimeout(r, 3_000));
      onFirstAtSigterm.push(...streamingOnFirst);
      expect(onFirstAtSigterm.length).toBeGreaterThan(0);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(first.output()).toContain('SIGTERM: draining');
      const restarted = startProcess(ports[0]);
      await whenReady(restarted);
      await new Promise((r) => setTimeout(r, 2_500));
    } finally {
      running = false;
      await Promise.all(lanes);
    }

    // The streams in flight at SIGTERM were let finish, not cut.
    expect(await Promise.all(onFirstAtSigterm)).toEqual(onFirstAtSigterm.map(() => 'completed'));
    const completed = outcomes.filter((o) => o === 'completed').length;
    expect(outcomes.filter((o) => o === 'cut')).toEqual([]);
    expect(completed).toBeGreaterThan(10);

    // One usage record per accepted request, none for a refused one, none lost.
    await usageRecordsStored(api, tenantId, completed);
    await new Promise((r) => setTimeout(r, 500));
    const db = api.app.get(DataSource);
    const [stored] = (await db.query(
      'SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 200)::int AS ok FROM usage_records WHERE tenant_id = $1',
      [tenantId],
    )) as { n: number; ok: number }[];
    expect(stored).toEqual({ n: completed, ok: completed });

    // Holds all settled; records, ledger and token agree.
    const mirror = await api.app.get(BalanceMirror).snapshot(tenantId);
    expect(mirror?.held).toBe(0n);
    const reconciliation = await request(api.url)
      .get('/api/usage/reconciliation')
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    expect(reconciliation.body).toMatchObject({ mismatches: [] });

    for (const proc of processes.slice(1)) {
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    }
  });
});
