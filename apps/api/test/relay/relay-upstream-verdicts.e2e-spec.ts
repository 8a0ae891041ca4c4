// The relay and the channel test (the probes' code) read an upstream's error answers one way, the
// providers' classification: given the same answer, what the relay does with the key and what the
// probe finds agree. Before they shared it, OpenAI's insufficient_quota cooled a key as a rate limit
// in the relay while the probe found it invalid, and Google's API_KEY_INVALID (a 400) went back to
// the client while the probe found the key invalid.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { UsageIngestor } from '@gateway/usage';
import OpenAI from 'openai';
import request from 'supertest';
import { waitFor } from '@gateway/testing';
import { startApi, type ApiHarness } from '../api-harness';
import {
  createChannel,
  sdk,
  seedTenantWithToken,
  sdkError,
  startIngestor,
  usageRecord,
} from './relay-fixture';

interface CannedAnswer {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

const GOOD = 'sk-canned-good-0001';
/** Streams one chunk, then an event that never ends (1 MB pieces without a line break). */
const ENDLESS_EVENT = 'sk-canned-endless-0001';

/** Real wire answers of the cases where the relay and the probes used to disagree, and two controls. */
const ANSWERS: Record<string, CannedAnswer> = {
  'sk-canned-quota-0001': {
    status: 429,
    headers: { 'retry-after': '30' },
    body: {
      error: {
        message:
          'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
        type: 'insufficient_quota',
        param: null,
        code: 'insufficient_quota',
      },
    },
  },
  'sk-canned-google-0001': {
    status: 400,
    body: [
      {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
              metadata: { service: 'generativelanguage.googleapis.com' },
            },
          ],
        },
      },
    ],
  },
  'sk-canned-busy-0001': {
    status: 429,
    headers: { 'retry-after': '30' },
    body: {
      error: {
        message: 'Rate limit reached for requests',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    },
  },
  // Anthropic says an account is out of credit with a 400 invalid_request_error, not the 402
  // billing_error its error table lists.
  'sk-canned-anthropic-credit-0001': {
    status: 400,
    body: {
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message:
          'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
      },
      request_id: 'req_011CSHoEeqs5C35K2UUqR7Fy',
    },
  },
  // OpenRouter says when a free-model cap resets in the body (ms since the epoch), not in a header.
  'sk-canned-openrouter-daily-0001': {
    status: 429,
    body: {
      error: {
        message:
          'Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day',
        code: 429,
        metadata: {
          headers: {
            'X-RateLimit-Limit': '50',
            'X-RateLimit-Remaining': '0',
            'X-RateLimit-Reset': String(Date.now() + 3_600_000),
          },
          provider_name: null,
        },
      },
      user_id: 'user_2x',
    },
  },
  // OpenAI answers a project key without access to a model so; the key still serves its other models.
  'sk-canned-noaccess-0001': {
    status: 403,
    body: {
      error: {
        message: 'Project `proj_9KoeXdtHe0YQJbsF2FQAKmzl` does not have access to model `gpt-4.1`',
        type: 'invalid_request_error',
        param: null,
        code: 'model_not_found',
      },
    },
  },
  'sk-canned-context-0001': {
    status: 400,
    body: {
      error: {
        message: "This model's maximum context length is 128000 tokens.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    },
  },
};

/** Keys of a small tier: a good answer, but OpenAI's "Request too large" 429 to a body over 4 KB. */
const SMALL_TIER = 'sk-canned-small-tier-';
const REQUEST_TOO_LARGE = {
  error: {
    message:
      'Request too large for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Requested 36575. The input or output tokens must be reduced in order to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.',
    type: 'tokens',
    param: null,
    code: 'rate_limit_exceeded',
  },
};

const ANTHROPIC_MESSAGE = {
  id: 'msg_canned',
  type: 'message',
  role: 'assistant',
  model: 'canned',
  content: [{ type: 'text', text: 'ok' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 4, output_tokens: 1 },
};

/** An OpenAI-compatible (and, on `/messages`, Anthropic) upstream that answers each key with its canned answer (GOOD: a real answer). */
async function startCannedUpstream(): Promise<{ baseUrl: string; keys: string[]; close(): Promise<void> }> {
  const keys: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => {
      const key =
        /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? String(req.headers['x-api-key'] ?? '');
      keys.push(key);
      if (key === ENDLESS_EVENT) return streamEndlessEvent(res);
      if (key.startsWith(SMALL_TIER) && size > 4000) {
        res.writeHead(429, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(REQUEST_TOO_LARGE));
      }
      const canned = ANSWERS[key];
      const answer: CannedAnswer =
        canned ??
        (key === GOOD && req.url?.endsWith('/messages')
          ? { status: 200, body: ANTHROPIC_MESSAGE }
          : key === GOOD || key.startsWith(SMALL_TIER)
            ? {
                status: 200,
                body: {
                  id: 'chatcmpl-canned',
                  object: 'chat.completion',
                  created: 0,
                  model: 'canned',
                  choices: [
                    { index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' },
                  ],
                  usage: { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 },
                },
              }
            : { status: 401, body: { error: { message: 'unknown key', code: 'invalid_api_key' } } });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    keys,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Closed answers of ENDLESS_EVENT: the gateway let go of the upstream. */
let endlessClosed = 0;

function streamEndlessEvent(res: ServerResponse): void {
  res.on('close', () => endlessClosed++);
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = { id: 'c', object: 'chat.completion.chunk', created: 0, model: 'canned' };
  res.write(`data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: { content: 'hi' } }] })}\n\n`);
  res.write('data: ');
  const piece = 'x'.repeat(1024 * 1024);
  let sent = 0;
  const more = (): void => {
    // The gateway cuts at 16 M characters; 40 MB is far past it, and a bound if it did not.
    while (!res.destroyed && sent < 40 && res.write(piece)) sent++;
    if (!res.destroyed && sent < 40) res.once('drain', more);
    else if (!res.destroyed) res.end();
  };
  more();
}

interface Agreement {
  /** What the relay does when a good key is next in line. */
  relay: { failsOver: true; code: string } | { failsOver: false; status: number };
  /**
   * What happens to the key that answered so: nothing; its model cools on it (a rate limit); its
   * model cools long on it, the key kept for its other models (no access to the model); the whole
   * key cools long (out of credit); or it is refused and auto-disabled (a bad key).
   */
  key: 'kept' | 'model_cooled' | 'model_refused' | 'out_of_credit' | 'refused';
  /** What the client gets when that key is the only one. */
  alone: { status: number; code: string };
  /** What the channel test (the probes' code) finds. */
  probe: string;
  /** The channel's type; default `openai`. */
  type?: 'anthropic';
}

const CASES: [string, string, Agreement][] = [
  [
    "OpenAI's insufficient_quota on a 429",
    'sk-canned-quota-0001',
    {
      relay: { failsOver: true, code: 'out_of_credit' },
      key: 'out_of_credit',
      alone: { status: 502, code: 'upstream_error' },
      probe: 'invalid',
    },
  ],
  [
    "Google's API_KEY_INVALID on a 400",
    'sk-canned-google-0001',
    {
      relay: { failsOver: true, code: 'key_rejected' },
      key: 'refused',
      alone: { status: 502, code: 'upstream_error' },
      probe: 'invalid',
    },
  ],
  [
    'an ordinary 429 rate limit',
    'sk-canned-busy-0001',
    {
      relay: { failsOver: true, code: 'rate_limited' },
      key: 'model_cooled',
      alone: { status: 429, code: 'upstreams_rate_limited' },
      probe: 'rate_limited',
    },
  ],
  [
    "Anthropic's credit balance too low on a 400",
    'sk-canned-anthropic-credit-0001',
    {
      relay: { failsOver: true, code: 'out_of_credit' },
      key: 'out_of_credit',
      alone: { status: 502, code: 'upstream_error' },
      probe: 'invalid',
      type: 'anthropic',
    },
  ],
  [
    "OpenAI's 403 model_not_found (the key's project has no access to the model)",
    'sk-canned-noaccess-0001',
    {
      relay: { failsOver: true, code: 'model_refused' },
      key: 'model_refused',
      alone: { status: 502, code: 'upstream_error' },
      probe: 'error',
    },
  ],
  [
    'a 400 about the request',
    'sk-canned-context-0001',
    {
      relay: { failsOver: false, status: 400 },
      key: 'kept',
      alone: { status: 400, code: 'context_length_exceeded' },
      probe: 'error',
    },
  ],
];

describe('the relay and the probes agree on what an upstream error means', () => {
  let api: ApiHarness;
  let upstream: Awaited<ReturnType<typeof startCannedUpstream>>;
  let ingestor: UsageIngestor;
  let admin: string;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startCannedUpstream();
    api = await startApi('relay_upstream_verdicts');
    ingestor = startIngestor(api);
    admin = await api.adminToken();
    client = sdk(api, (await seedTenantWithToken(api, admin)).key);
  });

  afterAll(async () => {
    await ingestor?.stop();
    await api?.close();
    await upstream?.close();
  });

  const chat = (model: string, content = 'hello') => ({
    model,
    messages: [{ role: 'user' as const, content }],
  });

  it.each(CASES)('%s', async (_answer, key, expected) => {
    const slug = key.replace(/^sk-canned-|-0001$/g, '');
    const channel = await createChannel(api, admin, {
      type: expected.type,
      name: `c-${slug}`,
      baseUrl: upstream.baseUrl,
      models: [`m-${slug}`],
      keys: [
        { key, priority: 10 },
        { key: GOOD, priority: 0 },
      ],
    });

    // The relay, with a good key next in line.
    upstream.keys.length = 0;
    if (expected.relay.failsOver) {
      const { response } = await client.chat.completions.create(chat(`m-${slug}`)).withResponse();
      expect(response.headers.get('x-fallback-attempts')).toBe('1');
      expect(upstream.keys).toEqual([key, GOOD]);
      const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
      expect(record.fallbacks).toEqual([
        expect.objectContaining({
          channelName: `c-${slug}`,
          status: ANSWERS[key]?.status,
          code: expected.relay.code,
        }),
      ]);
    } else {
      const error = await sdkError(client.chat.completions.create(chat(`m-${slug}`)));
      expect(error.status).toBe(expected.relay.status);
      expect(upstream.keys).toEqual([key]);
    }

    // What it did to the key.
    interface KeyRow {
      id: string;
      status: string;
      health: string;
      cooldownUntil: string | null;
      cooldownReason: string | null;
      refusedUntil: string | null;
      modelCooldowns: Record<string, string>;
    }
    const keyView = async () => {
      const keys = await request(api.url)
        .get(`/api/channels/${channel.id}/keys`)
        .set('authorization', `Bearer ${admin}`)
        .expect(200);
      return (keys.body.items as KeyRow[]).find((k) => k.id === channel.keyIds[0]) as KeyRow;
    };
    const view = await keyView();
    const hourFromNow = Date.now() + 3_600_000;
    switch (expected.key) {
      case 'model_cooled':
        expect(view.cooldownUntil).toBeNull();
        expect(Date.parse(view.modelCooldowns[`m-${slug}`] ?? '')).toBeGreaterThan(Date.now());
        break;
      case 'model_refused':
        // Not taken for a bad key: the key stays in every process's rotation for its other models.
        expect(view).toMatchObject({ status: 'enabled', cooldownUntil: null, refusedUntil: null });
        expect(Date.parse(view.modelCooldowns[`m-${slug}`] ?? '')).toBeGreaterThan(hourFromNow - 60_000);
        break;
      case 'out_of_credit':
        expect(view.cooldownReason).toBe('out_of_credit');
        expect(Date.parse(view.cooldownUntil ?? '')).toBeGreaterThan(hourFromNow - 60_000);
        break;
      case 'refused':
        // Marked in the database (audited, announced) right after the answer.
        await waitFor('the refused key to be auto-disabled', async () => {
          const now = await keyView();
          return now.status === 'auto_disabled' && now.health === 'invalid' ? true : undefined;
        });
        break;
      case 'kept':
        expect(view.cooldownUntil).toBeNull();
        expect(view.modelCooldowns).toEqual({});
        expect(view.status).toBe('enabled');
    }

    // The same key alone.
    await createChannel(api, admin, {
      type: expected.type,
      name: `c-${slug}-alone`,
      baseUrl: upstream.baseUrl,
      models: [`m-${slug}-alone`],
      keys: [key],
    });
    const alone = await sdkError(client.chat.completions.create(chat(`m-${slug}-alone`)));
    expect({ status: alone.status, code: alone.code }).toEqual(expected.alone);

    // The probe of that key.
    const probed = await request(api.url)
      .post(`/api/channels/${channel.id}/test`)
      .set('authorization', `Bearer ${admin}`)
      .send({ keyId: channel.keyIds[0] })
      .expect(200);
    expect(probed.body).toMatchObject({ ok: false, result: expected.probe, status: ANSWERS[key]?.status });
  });

  it('cools a key at OpenRouter’s free-models-per-day until the reset it gives, not for a guessed backoff a probe would end', async () => {
    const daily = 'sk-canned-openrouter-daily-0001';
    const channel = await createChannel(api, admin, {
      name: 'c-openrouter-daily',
      baseUrl: upstream.baseUrl,
      models: ['m-openrouter-daily'],
      keys: [
        { key: daily, priority: 10 },
        { key: GOOD, priority: 0 },
      ],
    });
    upstream.keys.length = 0;
    const { response } = await client.chat.completions.create(chat('m-openrouter-daily')).withResponse();
    expect(response.headers.get('x-fallback-attempts')).toBe('1');
    expect(upstream.keys).toEqual([daily, GOOD]);

    const keys = await request(api.url)
      .get(`/api/channels/${channel.id}/keys`)
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    const view = (keys.body.items as { id: string; cooldownUntil: string | null }[]).find(
      (k) => k.id === channel.keyIds[0],
    );
    // The reset is an hour away; the cooldown is the longest the gateway keeps (RELAY_COOLDOWN_MAX_MS),
    // as for a Retry-After, and not a guess (5 s, doubling) that an early probe of /models ends.
    const left = Date.parse(view?.cooldownUntil ?? '') - Date.now();
    expect(left).toBeGreaterThan(api.config.RELAY_COOLDOWN_MAX_MS - 30_000);
    expect(left).toBeLessThanOrEqual(api.config.RELAY_COOLDOWN_MAX_MS);
  });

  it('a request too large for the keys’ tier (OpenAI’s 429 "Request too large") does not bench the pool for the requests that fit', async () => {
    const keys = [`${SMALL_TIER}0001`, `${SMALL_TIER}0002`];
    const channel = await createChannel(api, admin, {
      name: 'c-small-tier',
      baseUrl: upstream.baseUrl,
      models: ['m-small-tier'],
      keys,
    });
    const big = await sdkError(
      client.chat.completions.create(chat('m-small-tier', 'lorem ipsum '.repeat(500))),
    );
    expect({ status: big.status, code: big.code }).toEqual({ status: 502, code: 'upstream_error' });
    expect(big.message).toContain('Request too large');

    // Neither key is busy: they cannot take that request, and take the next one at once.
    const views = await request(api.url)
      .get(`/api/channels/${channel.id}/keys`)
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    for (const view of views.body.items as { modelCooldowns: Record<string, string> }[]) {
      expect(view.modelCooldowns).toEqual({});
    }
    const small = await client.chat.completions.create(chat('m-small-tier'));
    expect(small.choices[0]?.message.content).toBe('ok');
  });

  it('cuts a stream at an event too large to be one, and says so rather than blaming a closed stream', async () => {
    await createChannel(api, admin, {
      name: 'c-endless',
      baseUrl: upstream.baseUrl,
      models: ['m-endless'],
      keys: [ENDLESS_EVENT],
    });
    const { data: stream, response } = await client.chat.completions
      .create({ ...chat('m-endless'), stream: true })
      .withResponse();
    const error = await (async () => {
      for await (const chunk of stream) void chunk;
    })().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/larger than the gateway takes/);
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record).toMatchObject({ status: 502, errorCode: 'upstream_error' });
    expect(record.errorMessage).toMatch(/larger than the gateway takes/);
    // And it let go of the upstream, which would otherwise hold the connection until it finished.
    await waitFor('the upstream answer closed', async () => (endlessClosed === 1 ? true : undefined));
  });
});
