// A pool of free-tier keys, each with its own caps (rpm/tpm/rpd/tpd), through the official OpenAI
// SDK against the mock upstream: what a request the caps cannot take gets, and what the client is
// told to wait. Each test routes its own model to its own channel, so tests do not share keys.
import type { MockUpstream } from '@gateway/mock-upstream';
import OpenAI from 'openai';
import request from 'supertest';
import type { ApiHarness } from '../api-harness';
import { createChannel, sdk, seedTenantWithToken, sdkError, type Relay, startRelay } from './relay-fixture';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Seconds from now to the next midnight in `timeZone`, found minute by minute with Intl (the test's
 * own reckoning, not the gateway's).
 */
function secondsToMidnightIn(timeZone: string, now = Date.now()): number {
  const clock = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
  });
  let at = Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  while (clock.format(new Date(at)) !== '00:00') at += MINUTE_MS;
  return (at - now) / 1000;
}

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

  it('holds a Gemini key at its daily cap until Pacific midnight, when Google resets its free tier', async () => {
    const channel = await createChannel(api, admin, {
      name: 'c-gemini-daily',
      type: 'gemini',
      baseUrl: mock.url,
      models: ['m-gemini-daily'],
      keys: [{ key: 'AIza-mock-rpd-0001', rpd: 1 }],
    });
    const view = await request(api.url)
      .get(`/api/channels/${channel.id}`)
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    expect(view.body).toMatchObject({ dayResetZone: null, effectiveDayResetZone: 'America/Los_Angeles' });

    await client.chat.completions.create(chat('m-gemini-daily'));
    const refused = await sdkError(client.chat.completions.create(chat('m-gemini-daily')));
    expect(refused.status).toBe(429);
    expect(refused.code).toBe('upstreams_rate_limited');
    // Pacific midnight is 7 or 8 hours from the UTC one: the two cannot be mistaken.
    const untilPacificMidnight = secondsToMidnightIn('America/Los_Angeles');
    const retryAfter = Number(refused.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(untilPacificMidnight - 5);
    expect(retryAfter).toBeLessThanOrEqual(untilPacificMidnight + 5);
    expect(mock.requests).toHaveLength(1);
  });

  it('counts a channel’s daily caps in the zone it names, and refuses a zone that is none', async () => {
    await request(api.url)
      .post('/api/channels')
      .set('authorization', `Bearer ${admin}`)
      .send({
        name: 'c-no-zone',
        type: 'gemini',
        baseUrl: mock.baseUrl,
        models: ['m-x'],
        dayResetZone: 'Mars/Olympus',
      })
      .expect(400)
      .expect((res) => expect(JSON.stringify(res.body)).toContain('dayResetZone'));
    const listed = await request(api.url)
      .get('/api/channels?q=c-no-zone')
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    expect((listed.body as { total: number }).total).toBe(0);

    const channel = await createChannel(api, admin, {
      name: 'c-tokyo-daily',
      type: 'gemini',
      baseUrl: mock.url,
      models: ['m-tokyo-daily'],
      // Spelled loosely: stored as the zone's own name.
      dayResetZone: 'asia/tokyo',
      keys: [{ key: 'AIza-mock-rpd-0002', rpd: 1 }],
    });
    const view = await request(api.url)
      .get(`/api/channels/${channel.id}`)
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    expect(view.body).toMatchObject({ dayResetZone: 'Asia/Tokyo', effectiveDayResetZone: 'Asia/Tokyo' });

    await client.chat.completions.create(chat('m-tokyo-daily'));
    const refused = await sdkError(client.chat.completions.create(chat('m-tokyo-daily')));
    expect(refused.status).toBe(429);
    const untilTokyoMidnight = secondsToMidnightIn('Asia/Tokyo');
    const retryAfter = Number(refused.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(untilTokyoMidnight - 5);
    expect(retryAfter).toBeLessThanOrEqual(untilTokyoMidnight + 5);
  });
});
