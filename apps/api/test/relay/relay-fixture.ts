// A relay set up the way an operator would: channels and keys through /api, a tenant, and a
// dashboard-issued token; plus the official OpenAI SDK pointed at the gateway.
import { appendLedgerLine, BalanceMirror } from '@gateway/billing';
import { usdToNano } from '@gateway/db';
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import { REDIS } from '@gateway/redis';
import { waitFor } from '@gateway/testing';
import { UsageIngestor } from '@gateway/usage';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { DataSource } from 'typeorm';
import OpenAI from 'openai';
import request from 'supertest';
import { startApi, startReplica, type ApiHarness } from '../api-harness';
import { seedTenant } from '../fixtures';

/** An api process with the mock upstream behind it and a super admin's access token. */
export interface Relay {
  api: ApiHarness;
  mock: MockUpstream;
  admin: string;
  close(): Promise<void>;
}

/**
 * `ingestor`: run the worker's usage ingestor too, for suites that read usage or the books; `env`:
 * configuration the suite needs besides the test defaults.
 */
export async function startRelay(
  suite: string,
  options: { ingestor?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<Relay> {
  let mock: MockUpstream | undefined;
  let api: ApiHarness | undefined;
  let ingestor: UsageIngestor | undefined;
  // Stops whatever did start, so that a failed setup leaves no server or connection behind.
  const close = async () => {
    await ingestor?.stop();
    await api?.close();
    await mock?.close();
  };
  try {
    mock = await startMockUpstream();
    api = await startApi(suite, options.env);
    if (options.ingestor) ingestor = startIngestor(api);
    return { api, mock, admin: await api.adminToken(), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The same with a second api process on its database and Redis prefix, as two replicas behind a load balancer. */
export interface RelayPair extends Relay {
  /** The official SDK against the first and the second process, without its own retries. */
  clients(key: string): [OpenAI, OpenAI];
}

export async function startRelayPair(
  suite: string,
  options: { ingestor?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<RelayPair> {
  const relay = await startRelay(suite, options);
  const second = await startReplica(relay.api).catch(async (error: unknown) => {
    await relay.close();
    throw error;
  });
  const client = (url: string, key: string) =>
    new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0 });
  return {
    ...relay,
    clients: (key) => [client(relay.api.url, key), client(second.url, key)],
    close: async () => {
      await second.close();
      await relay.close();
    },
  };
}

/** The error an SDK call failed with; the test fails if it did not fail with an API error. */
export async function sdkError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

export interface ChannelSpec {
  name: string;
  /** Default `openai`. */
  type?: 'openai' | 'anthropic' | 'gemini';
  baseUrl: string;
  models: string[];
  keys:
    | string[]
    | {
        key: string;
        priority?: number;
        weight?: number;
        rpm?: number;
        tpm?: number;
        rpd?: number;
        tpd?: number;
      }[];
  priority?: number;
  weight?: number;
  /** The zone whose midnight resets the keys' daily caps; left out: the type's default. */
  dayResetZone?: string | null;
  modelMapping?: Record<string, string>;
  timeoutMs?: number;
  groups?: string[];
}

export interface SeededChannel {
  id: string;
  name: string;
  keyIds: string[];
}

export async function createChannel(
  api: ApiHarness,
  admin: string,
  spec: ChannelSpec,
): Promise<SeededChannel> {
  const created = await request(api.url)
    .post('/api/channels')
    .set('authorization', `Bearer ${admin}`)
    .send({
      name: spec.name,
      type: spec.type ?? 'openai',
      baseUrl: spec.baseUrl,
      models: spec.models,
      modelMapping: spec.modelMapping ?? {},
      priority: spec.priority ?? 0,
      weight: spec.weight ?? 1,
      groups: spec.groups ?? ['default'],
      timeoutMs: spec.timeoutMs ?? 10_000,
      ...(spec.dayResetZone === undefined ? {} : { dayResetZone: spec.dayResetZone }),
    })
    .expect(201);
  const id = (created.body as { id: string }).id;
  const keyIds: string[] = [];
  for (const entry of spec.keys) {
    const body = typeof entry === 'string' ? { key: entry } : entry;
    const added = await request(api.url)
      .post(`/api/channels/${id}/keys`)
      .set('authorization', `Bearer ${admin}`)
      .send(body)
      .expect(201);
    const views = added.body as { id: string }[] | { id: string };
    keyIds.push(...(Array.isArray(views) ? views : [views]).map((v) => v.id));
  }
  return { id, name: spec.name, keyIds };
}

export interface TokenSpec {
  tenantId: string;
  name?: string;
  models?: string[];
  rpm?: number;
  tpm?: number;
  ipAllowlist?: string[];
  /** A spend cap, USD (the token then has a live mirror of its spend in Redis). */
  quotaUsd?: string;
}

/** Issues a token through the dashboard API and returns its full key (shown once). */
export async function issueToken(
  api: ApiHarness,
  admin: string,
  spec: TokenSpec,
): Promise<{ id: string; key: string }> {
  const res = await request(api.url)
    .post('/api/tokens')
    .set('authorization', `Bearer ${admin}`)
    .send({ name: spec.name ?? 'relay test', ...spec })
    .expect(201);
  return res.body as { id: string; key: string };
}

export async function seedTenantWithToken(
  api: ApiHarness,
  admin: string,
  token: Omit<TokenSpec, 'tenantId'> = {},
): Promise<{ tenantId: string; tokenId: string; key: string }> {
  const tenant = await seedTenant(api);
  const issued = await issueToken(api, admin, { ...token, tenantId: tenant.id });
  return { tenantId: tenant.id, tokenId: issued.id, key: issued.key };
}

/**
 * A channel `slow` whose one mock key streams slowly, serving `m-slow` at $1 / $2 per 1M tokens, and
 * a tenant with a token and `usd` of credit: what the drills that stop a process mid-stream start from.
 */
export async function seedSlowStream(
  api: ApiHarness,
  admin: string,
  upstream: { baseUrl: string; key: string },
  usd: string,
): Promise<{ tenantId: string; key: string }> {
  await createChannel(api, admin, {
    name: 'slow',
    baseUrl: upstream.baseUrl,
    models: ['m-slow'],
    keys: [upstream.key],
  });
  await request(api.url)
    .put('/api/models/m-slow/price')
    .set('authorization', `Bearer ${admin}`)
    .send({ inputPer1M: '1', outputPer1M: '2' })
    .expect(200);
  const { key, tenantId } = await seedTenantWithToken(api, admin);
  await fund(api, tenantId, usd);
  return { key, tenantId };
}

/** The official SDK against the gateway, without its own retries (the gateway's failover is under test). */
export function sdk(api: ApiHarness, key: string, options: { timeout?: number } = {}): OpenAI {
  return new OpenAI({
    apiKey: key,
    baseURL: `${api.url}/v1`,
    maxRetries: 0,
    timeout: options.timeout ?? 30_000,
  });
}

/** The worker's usage ingestor (the real one, on the real stream), for this api's database and Redis. */
export function startIngestor(api: ApiHarness): UsageIngestor {
  const ingestor = new UsageIngestor(api.app.get(REDIS), api.app.get(DataSource), api.config);
  ingestor.start();
  return ingestor;
}

export interface UsageLogRow {
  requestId: string;
  model: string;
  upstreamModel: string | null;
  servedModel: string;
  channelId: string | null;
  channelKeyId: string | null;
  tokenId: string;
  promptTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  usageSource: string;
  billedUnit: string;
  billedQuantity: number;
  costUsd: string;
  status: number;
  errorCode: string | null;
  errorMessage: string | null;
  ttftMs: number | null;
  latencyMs: number;
  stream: boolean;
  fallbacks: { channelName: string; status: number | null; code: string }[];
}

/** Waits until the usage log has the record of `requestId` and returns it. */
export async function usageRecord(
  api: ApiHarness,
  admin: string,
  requestId: string,
  timeoutMs = 10_000,
): Promise<UsageLogRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(api.url)
      .get('/api/usage/logs')
      .query({ pageSize: 100 })
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    const found = (res.body as { items: UsageLogRow[] }).items.find((row) => row.requestId === requestId);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no usage record for ${requestId} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the worker has stored at least `count` usage records of the tenant. */
export async function usageRecordsStored(api: ApiHarness, tenantId: string, count: number): Promise<void> {
  const db = api.app.get(DataSource);
  await waitFor(
    `${count} usage records of the tenant to be stored`,
    async () => {
      const [{ n }] = (await db.query('SELECT count(*)::int AS n FROM usage_records WHERE tenant_id = $1', [
        tenantId,
      ])) as { n: number }[];
      return n >= count ? true : undefined;
    },
    15_000,
  );
}

/** Credits a tenant the way a top-up does: a ledger line, then the live mirror. */
export async function fund(api: ApiHarness, tenantId: string, usd: string): Promise<void> {
  const line = await api.app.get(DataSource).transaction((manager) =>
    appendLedgerLine(manager, {
      tenantId,
      kind: 'topup',
      amountNano: usdToNano(usd),
      note: 'test funding',
    }),
  );
  if (!line?.creditSeq) throw new Error('the top-up was not appended');
  await api.app.get(BalanceMirror).applyCredit(tenantId, line.creditSeq, line.amountNano);
}

/** An upstream of a test's own on loopback, at `baseUrl` (…/v1). */
export interface LoopbackUpstream {
  baseUrl: string;
  close(): Promise<void>;
}

/** Serves each request to `answer` once its body has arrived whole. */
export async function startLoopbackUpstream(
  answer: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void,
): Promise<LoopbackUpstream> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(req, Buffer.concat(chunks), res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A chat completion answering "ok", with the given usage and finish reason. */
export function chatCompletionBody(usage: unknown, finishReason = 'stop'): object {
  return {
    id: 'c',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: finishReason }],
    usage,
  };
}
