// A stop signal that comes twice: `npm start` under Ctrl-C (the terminal sends SIGINT to the whole
// process group and the launcher then sends SIGTERM to its children), or an impatient operator or
// process manager repeating SIGTERM. The api from dist/ drains once: the stream in flight finishes,
// its usage is recorded, and the process exits 0 after one drain, not a second one racing the first
// nor the signal's default action cutting the stream.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import type { UsageIngestor } from '@gateway/usage';
import { waitFor } from '@gateway/testing';
import OpenAI from 'openai';
import { startApi, type ApiHarness } from '../api-harness';
import { seedSlowStream, startIngestor, usageRecordsStored } from '../relay/relay-fixture';
import { freePort, startApiProcess, whenReady, type ApiProcess } from './api-process';

// 12 chunks 100 ms apart: each stream lasts ~1.2 s, so both signals land while it runs.
const SLOW_KEY = 'sk-mock-slow;chunks=12;chunkDelay=100;tokens=12';

describe('a stop signal sent twice', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let ingestor: UsageIngestor;
  let key: string;
  let tenantId: string;
  const processes: ApiProcess[] = [];

  beforeAll(async () => {
    mock = await startMockUpstream();
    api = await startApi('stop_signals');
    ingestor = startIngestor(api);
    const admin = await api.adminToken();
    ({ key, tenantId } = await seedSlowStream(api, admin, { baseUrl: mock.baseUrl, key: SLOW_KEY }, '100'));
  });

  afterAll(async () => {
    for (const proc of processes) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await ingestor?.stop();
    await api?.close();
    await mock?.close();
  });

  async function streamThroughSignals(signals: [NodeJS.Signals, NodeJS.Signals], recordsBefore: number) {
    const proc = startApiProcess(api, await freePort(), { SHUTDOWN_GRACE_MS: '10000' });
    processes.push(proc);
    await whenReady(proc);
    const client = new OpenAI({
      apiKey: key,
      baseURL: `http://127.0.0.1:${proc.port}/v1`,
      maxRetries: 0,
      timeout: 20_000,
    });
    const stream = await client.chat.completions.create({
      model: 'm-slow',
      messages: [{ role: 'user', content: 'tell me something long' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let chunks = 0;
    let finished = false;
    let usage = false;
    for await (const chunk of stream) {
      if (++chunks === 2) {
        proc.child.kill(signals[0]);
        await new Promise((r) => setTimeout(r, 150));
        proc.child.kill(signals[1]);
      }
      if (chunk.choices[0]?.finish_reason) finished = true;
      if (chunk.usage) usage = true;
    }
    const code = await proc.exited;
    expect({ finished, usage, code, signal: proc.child.signalCode }).toEqual({
      finished: true,
      usage: true,
      code: 0,
      signal: null,
    });
    expect(proc.output().match(/: draining/g)).toHaveLength(1);
    expect(proc.output()).not.toContain('failed to stop cleanly');
    await usageRecordsStored(api, tenantId, recordsBefore + 1);
  }

  it('SIGTERM twice: the second waits for the first drain instead of killing the process', async () => {
    await streamThroughSignals(['SIGTERM', 'SIGTERM'], 0);
  });

  it('SIGINT then SIGTERM (Ctrl-C under npm start): one drain, exit 0', async () => {
    await streamThroughSignals(['SIGINT', 'SIGTERM'], 1);
  });

  it('the worker: SIGTERM twice finishes one stop and exits 0', async () => {
    let output = '';
    const worker = spawn(process.execPath, [resolve(__dirname, '../../../../dist/apps/worker/src/main.js')], {
      env: {
        PATH: process.env['PATH'],
        NODE_ENV: 'test',
        DATABASE_URL: api.config.DATABASE_URL,
        REDIS_URL: api.config.REDIS_URL,
        REDIS_PREFIX: api.config.REDIS_PREFIX,
        ENCRYPTION_KEY: api.config.ENCRYPTION_KEY,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-stop-worker-')),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => worker.once('exit', (code) => done(code)));
    try {
      await waitFor(
        'the worker to start',
        async () => {
          if (worker.exitCode !== null) throw new Error(`the worker exited early:\n${output}`);
          return output.includes('"worker started"') ? true : undefined;
        },
        30_000,
        50,
      );
      await new Promise((r) => setTimeout(r, 500));
      // The second signal as soon as the worker says it is stopping: sent back to back, Linux merges
      // the two; after a fixed gap, a stop of a few milliseconds was over first in one CI run.
      worker.kill('SIGTERM');
      await waitFor(
        'the stop to begin',
        async () => (output.includes('finishing current jobs') ? true : undefined),
        10_000,
        1,
      );
      worker.kill('SIGTERM');
      expect({ code: await exited, signal: worker.signalCode }).toEqual({ code: 0, signal: null });
      expect(output).toContain('already stopping');
      expect(output).toContain('worker stopped');
    } finally {
      if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    }
  });
});
