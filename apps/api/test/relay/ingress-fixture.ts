// One relay for the ingress suites: the api with its usage ingestor, the mock upstream speaking every
// format, a funded tenant's key, and the official SDK of each ingress format pointed at the gateway.
// Channels of any type are created through /api as an operator would.
import Anthropic from '@anthropic-ai/sdk';
import type * as GenAI from '@google/genai' with { 'resolution-mode': 'import' };
import { usdToNano } from '@gateway/db';
import { startMockUpstream, type MockUpstream, type RecordedRequest } from '@gateway/mock-upstream';
import type { UsageIngestor } from '@gateway/usage';
import OpenAI from 'openai';
import request from 'supertest';
import { startApi, type ApiHarness } from '../api-harness';
import { fund, sdk, seedTenantWithToken, startIngestor, type UsageLogRow } from './relay-fixture';

// @google/genai's Node types are ESM-only while the tests compile to CommonJS: types by a type
// import, the code by require (the package's own CommonJS build).
export const genai = require('@google/genai') as typeof GenAI;

export type UpstreamType = 'openai' | 'anthropic' | 'gemini' | 'azure-openai';

/** USD per 1M tokens: 1000 nano-USD per input token, 500 per cache read, 1250 per cache write, 2000 per output. */
export const PRICE = { inputPer1M: '1', cachedInputPer1M: '0.5', cacheWritePer1M: '1.25', outputPer1M: '2' };

/** Where each format's channel key travels (never the URL). */
export const KEY_HEADER: Record<UpstreamType, string> = {
  openai: 'authorization',
  anthropic: 'x-api-key',
  gemini: 'x-goog-api-key',
  'azure-openai': 'api-key',
};

export interface ChannelExtra {
  priority?: number;
  modelMapping?: Record<string, string>;
  settings?: object;
}

export interface IngressRelay {
  api: ApiHarness;
  mock: MockUpstream;
  admin: string;
  tenantId: string;
  /** The funded tenant's gateway key. */
  key: string;
  /** The official SDKs with `key`, without their own retries (the gateway's failover is under test). */
  openai: OpenAI;
  anthropic: Anthropic;
  google: GenAI.GoogleGenAI;
  anthropicClient(key: string | null, options?: { bearer?: boolean }): Anthropic;
  googleClient(key: string): GenAI.GoogleGenAI;
  /** A channel of `type` serving `model` with one key (the mock's options ride in the key). */
  channel(type: UpstreamType, name: string, model: string, key: string, extra?: ChannelExtra): Promise<void>;
  price(model: string, price?: object): Promise<void>;
  /** The generation requests the mock saw (model listings and the like excluded). */
  upstreamCalls(): RecordedRequest[];
  /** The one generation request the mock saw; the test fails if there was not exactly one. */
  upstreamCall(): RecordedRequest;
  close(): Promise<void>;
}

/** Anthropic's and Gemini's base URLs carry no version segment (the presets say so), Azure's neither. */
export function baseUrlFor(type: UpstreamType, mock: MockUpstream): string {
  return type === 'openai' ? mock.baseUrl : mock.baseUrl.replace(/\/v1$/, '');
}

export async function startIngressRelay(suite: string): Promise<IngressRelay> {
  let mock: MockUpstream | undefined;
  let api: ApiHarness | undefined;
  let ingestor: UsageIngestor | undefined;
  const close = async () => {
    await ingestor?.stop();
    await api?.close();
    await mock?.close();
  };
  try {
    mock = await startMockUpstream();
    api = await startApi(suite);
    ingestor = startIngestor(api);
    const admin = await api.adminToken();
    const seeded = await seedTenantWithToken(api, admin);
    await fund(api, seeded.tenantId, '10');
    return relayOf(api, mock, admin, seeded.tenantId, seeded.key, close);
  } catch (error) {
    await close();
    throw error;
  }
}

function relayOf(
  api: ApiHarness,
  mock: MockUpstream,
  admin: string,
  tenantId: string,
  key: string,
  close: () => Promise<void>,
): IngressRelay {
  const anthropicClient = (apiKey: string | null, options: { bearer?: boolean } = {}) =>
    new Anthropic({
      baseURL: api.url,
      maxRetries: 0,
      timeout: 30_000,
      ...(options.bearer ? { apiKey: null, authToken: apiKey } : { apiKey }),
    });
  const googleClient = (apiKey: string) =>
    new genai.GoogleGenAI({
      apiKey,
      httpOptions: {
        baseUrl: api.url,
        retryOptions: { attempts: 1 },
        // Under Jest the SDK's own fetch fails every request (a realm mismatch); the test's works.
        fetch: (input, init) => fetch(input, init),
      },
    });
  const upstreamCalls = () => mock.requests.filter((r) => r.method === 'POST');
  return {
    api,
    mock,
    admin,
    tenantId,
    key,
    openai: sdk(api, key),
    anthropic: anthropicClient(key),
    google: googleClient(key),
    anthropicClient,
    googleClient,
    channel: async (type, name, model, channelKey, extra = {}) => {
      const created = await request(api.url)
        .post('/api/channels')
        .set('authorization', `Bearer ${admin}`)
        .send({
          name,
          type,
          baseUrl: baseUrlFor(type, mock),
          models: [model],
          modelMapping: extra.modelMapping ?? {},
          priority: extra.priority ?? 0,
          groups: ['default'],
          timeoutMs: 10_000,
          ...(extra.settings ? { settings: extra.settings } : {}),
        })
        .expect(201);
      await request(api.url)
        .post(`/api/channels/${(created.body as { id: string }).id}/keys`)
        .set('authorization', `Bearer ${admin}`)
        .send({ key: channelKey })
        .expect(201);
    },
    price: async (model, price = PRICE) => {
      await request(api.url)
        .put(`/api/models/${model}/price`)
        .set('authorization', `Bearer ${admin}`)
        .send(price)
        .expect(200);
    },
    upstreamCalls,
    upstreamCall: () => {
      const calls = upstreamCalls();
      expect(calls.map((c) => c.path)).toHaveLength(1);
      return calls[0] as RecordedRequest;
    },
    close,
  };
}

/** The error a call failed with; undefined when it did not fail. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** The output ceiling the upstream was asked for, in whichever format it speaks. */
export function upstreamMaxOutput(recorded: RecordedRequest): unknown {
  const body = recorded.body as Record<string, unknown>;
  const generation = body['generationConfig'] as Record<string, unknown> | undefined;
  return body['max_tokens'] ?? body['max_completion_tokens'] ?? generation?.['maxOutputTokens'];
}

/**
 * Usage and cost in the record equal what the mock reported, at PRICE: uncached input, cache
 * reads and cache writes each at their own rate.
 */
export function expectBilledAsReported(record: UsageLogRow, recorded: RecordedRequest): void {
  const usage = recorded.usage;
  expect(usage).toBeDefined();
  if (usage === undefined) return;
  const cacheRead = usage.cache_read_tokens ?? 0;
  const cacheWrite = usage.cache_write_tokens ?? 0;
  expect(record).toMatchObject({
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    cachedTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: usage.reasoning_tokens ?? 0,
    usageSource: 'upstream',
    status: 200,
  });
  const nano =
    (usage.prompt_tokens - cacheRead - cacheWrite) * 1000 +
    cacheRead * 500 +
    cacheWrite * 1250 +
    usage.completion_tokens * 2000;
  expect(usdToNano(record.costUsd)).toBe(BigInt(nano));
}
