// A pool of free-tier keys, each with its own caps (rpm/tpm/rpd/tpd), through the official OpenAI
// SDK against the mock upstream: what a request the caps cannot take gets, and what the client is
// told to wait. Each test routes its own model to its own channel, so tests do not share keys.
import type { MockUpstream } from '@gateway/mock-upstream';
import OpenAI from 'openai';
import type { ApiHarness } from '../api-harness';
import { createChannel, sdk, seedTenantWithToken, sdkError, type Relay, startRelay } from './relay-fixture';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Starts a test far enough from a minute's end that its requests share one minute window. */
async function awayFromMinuteEnd(): Promise<void> {
  const left = MINUTE_MS - (Date.now() % MINUTE_MS);
  if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

describe('key caps of a free-tier pool (openai SDK → gateway → mock upstream)', () => {
  let relay: Relay;
  let api: ApiHarness;
  let mock: MockUpstream;
  let admin: string;
  let client: OpenAI;

  beforeAll(async () => {
    relay = await startRelay('relay_key_caps');
    ({ api, mock, admin } = relay);
    client = sdk(api, (await seedTenantWithToken(api, admin)).key);
  });
  afterAll(() => relay?.close());

  beforeEach(() => mock.reset());

  const chat = (model: string, content = 'hello') => ({
    model,
    max_tokens: 16,
    messages: [{ role: 'user' as const, content }],
  });

  it('serves a request larger than a key’s whole tpm when the key has used nothing this minute, as a token’s tpm does', async () => {
    await awayFromMinuteEnd();
    await createChannel(api, admin, {
      name: 'c-big',
      baseUrl: mock.baseUrl,
      models: ['m-big'],
      keys: [{ key: 'sk-mock-big-0001', tpm: 200 }],
    });
    // About 800 tokens at the gateway's bound: more than the key's whole minute.
    const big = 'lorem ipsum '.repeat(170);
    const served = await client.chat.completions.create(chat('m-big', big));
    expect(served.choices[0]?.message.content).toBeTruthy();
    expect(mock.requests).toHaveLength(1);

    // The window is full now: the next request waits for the minute to roll over.
    const refused = await sdkError(client.chat.completions.create(chat('m-big')));
    expect(refused.status).toBe(429);
    expect(refused.code).toBe('upstreams_rate_limited');
    expect(mock.requests).toHaveLength(1);
  });

  it('tells the client to wait for the key that recovers first: a capped one, not one out of credit', async () => {
    await awayFromMinuteEnd();
    await createChannel(api, admin, {
      name: 'c-mixed',
      baseUrl: mock.baseUrl,
      models: ['m-mixed'],
      keys: [
        { key: 'sk-mock;status=402', priority: 10 },
        { key: 'sk-mock-rpm-0001', rpm: 1 },
      ],
    });
    // The first key runs out of credit (cooling an hour); the request fails over to the second.
    await client.chat.completions.create(chat('m-mixed'));
    expect(mock.requests.map((r) => r.apiKey)).toEqual(['sk-mock;status=402', 'sk-mock-rpm-0001']);

    const refused = await sdkError(client.chat.completions.create(chat('m-mixed')));
    expect(refused.status).toBe(429);
    expect(refused.code).toBe('upstreams_rate_limited');
    // The rpm key is free again when this minute ends, not in an hour.
    const retryAfter = Number(refused.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(mock.requests).toHaveLength(2);
  });

  it('says to wait for the day’s end when every key is at its daily cap, not for the minute’s', async () => {
    await createChannel(api, admin, {
      name: 'c-daily',
      baseUrl: mock.baseUrl,
      models: ['m-daily'],
      keys: [
        { key: 'sk-mock-rpd-0001', rpd: 1 },
        { key: 'sk-mock-rpd-0002', rpd: 1 },
      ],
    });
    await client.chat.completions.create(chat('m-daily'));
    await client.chat.completions.create(chat('m-daily'));
    expect(mock.requests).toHaveLength(2);

    const refused = await sdkError(client.chat.completions.create(chat('m-daily')));
    expect(refused.status).toBe(429);
    expect(refused.code).toBe('upstreams_rate_limited');
    const untilDayEnd = (DAY_MS - (Date.now() % DAY_MS)) / 1000;
    const retryAfter = Number(refused.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(untilDayEnd - 5);
    expect(retryAfter).toBeLessThanOrEqual(untilDayEnd + 5);
    expect(mock.requests).toHaveLength(2);
  });
});
