// SINGLE_PROCESS on a small host: the api process also runs the worker's jobs, within the 384 MB a
// 1 GB VPS gives the gateway (README "Small host"). One process from dist/, its heap sized as the
// image's entrypoint sizes it for a 384 MB limit (75 %), 500 concurrent 1 s streams through the
// official SDK: no error, peak RSS (VmHWM) within 384 MB, and every usage record stored by the
// worker inside that same process (no other ingestor runs here). SIGTERM stops both halves cleanly.
import { readdirSync } from 'node:fs';
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import OpenAI from 'openai';
import request from 'supertest';
import { Agent, fetch as undiciFetch } from 'undici';
import { startApi, type ApiHarness } from '../api-harness';
import { createChannel, fund, seedTenantWithToken, usageRecordsStored } from '../relay/relay-fixture';
import { freePort, residentMb, startApiProcess, whenReady, type ApiProcess } from './api-process';

const BUDGET_MB = 384;
const STREAMS = 500;
// 20 chunks 50 ms apart: each stream lasts about a second.
const STREAM_KEY = 'sk-mock-small-host;chunks=20;chunkDelay=50;tokens=20';

describe('SINGLE_PROCESS within a 384 MB budget', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let proc: ApiProcess | undefined;

  beforeAll(async () => {
    mock = await startMockUpstream();
    api = await startApi('single_process');
  });

  afterAll(async () => {
    if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await api?.close();
    await mock?.close();
  });

  it(`serves ${STREAMS} concurrent streams, stores every usage record in-process and stays under ${BUDGET_MB} MB`, async () => {
    const admin = await api.adminToken();
    await createChannel(api, admin, {
      name: 'small',
      baseUrl: mock.baseUrl,
      models: ['m-small'],
      keys: [STREAM_KEY],
    });
    await request(api.url)
      .put('/api/models/m-small/price')
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '1', outputPer1M: '2' })
      .expect(200);
    const { key, tenantId } = await seedTenantWithToken(api, admin);
    await fund(api, tenantId, '100');

    proc = startApiProcess(api, await freePort(), { SINGLE_PROCESS: 'true' }, [
      `--max-old-space-size=${Math.floor(BUDGET_MB * 0.75)}`,
    ]);
    await whenReady(proc);
    // 500 connections opened at once by a process that has run every suite before this one: the
    // fetch default of 10 s to connect can lapse on a loaded machine while the api is still
    // accepting (what is measured here is the api's memory, not this client's patience).
    const dispatcher = new Agent({ connect: { timeout: 60_000 } });
    const client = new OpenAI({
      apiKey: key,
      baseURL: `http://127.0.0.1:${proc.port}/v1`,
      maxRetries: 0,
      timeout: 60_000,
      fetch: undiciFetch as unknown as typeof fetch,
      fetchOptions: { dispatcher } as never,
    });

    const stream = async (): Promise<'completed' | string> => {
      try {
        const chunks = await client.chat.completions.create({
          model: 'm-small',
          messages: [{ role: 'user', content: 'a small host, a long answer' }],
          stream: true,
          stream_options: { include_usage: true },
        });
        let finished = false;
        let usage = false;
        for await (const chunk of chunks) {
          if (chunk.choices[0]?.finish_reason) finished = true;
          if (chunk.usage) usage = true;
        }
        return finished && usage ? 'completed' : 'cut';
      } catch (error) {
        if (!(error instanceof Error)) return String(error);
        // The SDK's "Connection error." hides the socket's own reason: keep it.
        const reasons: string[] = [];
        for (let e: unknown = error.cause; e instanceof Error && reasons.length < 3; e = e.cause)
          reasons.push((e as { code?: string }).code ?? e.message);
        return reasons.length > 0 ? `${error.message} (${reasons.join(' < ')})` : error.message;
      }
    };

    expect(await stream()).toBe('completed');
    let peakSampled = 0;
    const sampler = setInterval(() => {
      peakSampled = Math.max(peakSampled, residentMb(proc!.child.pid!).now);
    }, 100);
    let outcomes: string[];
    try {
      outcomes = await Promise.all(Array.from({ length: STREAMS }, stream));
    } finally {
      clearInterval(sampler);
    }
    const failures = outcomes.filter((o) => o !== 'completed');
    if (failures.length > 0) {
      const fds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
      console.log(
        `exit code ${proc.child.exitCode}; open files: this process ${fds(process.pid)}, api ` +
          `${proc.child.exitCode === null ? fds(proc.child.pid!) : '-'}; api output ends:\n${proc.output().slice(-4000)}`,
      );
    }
    expect(failures).toEqual([]);
    const { peak } = residentMb(proc.child.pid!);
    console.log(
      `SINGLE_PROCESS, ${STREAMS} streams: peak RSS ${peak.toFixed(0)} MB (sampled ${peakSampled.toFixed(0)} MB)`,
    );
    expect(peak).toBeLessThanOrEqual(BUDGET_MB);

    // The worker half of this very process ingested every usage event.
    await usageRecordsStored(api, tenantId, STREAMS + 1);

    await dispatcher.close();
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    // Logs are written asynchronously; by exit they are all out.
    expect(proc.output()).toContain('worker started');
    expect(proc.output()).toContain('worker stopped');
    expect(proc.output()).toContain('api stopped');
  }, 180_000);
});
