// Pre-auth cost and deep nesting (issue #14 item 7): a large /v1 body is read only once its key is
// known good, and a body nested past the surface's depth is refused before it is parsed, with a
// 400 in each surface's own shape (OpenAI's, Anthropic's, Google's, /api's), never a 5xx.
import Anthropic from '@anthropic-ai/sdk';
import type * as GenAI from '@google/genai' with { 'resolution-mode': 'import' };
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import request from 'supertest';
import { startApi, type ApiHarness } from '../api-harness';
import { createChannel, fund, sdk, sdkError, seedTenantWithToken } from './relay-fixture';

// @google/genai's Node types are ESM-only while the tests compile to CommonJS (as in relay-gemini-ingress).
const genai = require('@google/genai') as typeof GenAI;

const RELAY_DEPTH = 64;
const ADMIN_DEPTH = 32;

/** A JSON value whose arrays nest `depth` deep. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** JSON text that is not valid and is larger than the key-first threshold. */
const LARGE_MALFORMED = `{"model":"m","messages":[{"role":"user","content":"${'x'.repeat(200_000)}"}`;

describe('bodies refused before they are read or parsed', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let admin: string;
  let key: string;

  beforeAll(async () => {
    mock = await startMockUpstream();
    api = await startApi('relay_bad_bodies');
    admin = await api.adminToken();
    const seeded = await seedTenantWithToken(api, admin);
    key = seeded.key;
    await fund(api, seeded.tenantId, '10');
    await createChannel(api, admin, {
      name: 'plain',
      baseUrl: mock.baseUrl,
      models: ['m-deep'],
      keys: ['sk-mock-deep-bodies'],
    });
  });

  afterAll(async () => {
    await api?.close();
    await mock?.close();
  });

  beforeEach(() => mock.reset());

  describe('a large body without a valid key is refused before it is read', () => {
    // Malformed JSON, so an answer of 401 (not 400) shows that the body was never parsed.
    it.each([
      ['/v1/chat/completions', 'openai'],
      ['/v1/embeddings', 'openai'],
      ['/v1/messages', 'anthropic'],
      ['/v1beta/models/m-deep:generateContent', 'gemini'],
    ] as const)('%s → 401 in its own shape', async (path, shape) => {
      const res = await request(api.url)
        .post(path)
        .set('authorization', 'Bearer sk-not-a-real-key-at-all')
        .set('content-type', 'application/json')
        .send(LARGE_MALFORMED)
        .expect(401);
      if (shape === 'openai') expect(res.body.error).toMatchObject({ code: 'invalid_api_key' });
      if (shape === 'anthropic')
        expect(res.body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
      if (shape === 'gemini')
        expect(res.body).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
    });

    it('reads and judges the same body for a valid key (400: it is malformed)', async () => {
      const res = await request(api.url)
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${key}`)
        .set('content-type', 'application/json')
        .send(LARGE_MALFORMED)
        .expect(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_request_error' });
    });

    it('answers 413 to a valid key whose body is over the relay limit', async () => {
      const huge = JSON.stringify({
        model: 'm-deep',
        messages: [{ role: 'user', content: 'x'.repeat(21 * 1024 * 1024) }],
      });
      const res = await request(api.url)
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${key}`)
        .set('content-type', 'application/json')
        .send(huge)
        .expect(413);
      expect(res.body.error).toMatchObject({ code: 'request_too_large', type: 'invalid_request_error' });
    });

    it('still parses a small body first, so a malformed one without a key keeps its 400', async () => {
      await request(api.url)
        .post('/v1/chat/completions')
        .set('content-type', 'application/json')
        .send('{"model":')
        .expect(400);
    });
  });

  describe(`a body nested deeper than ${RELAY_DEPTH} levels is a 400 in the surface's shape`, () => {
    it('chat completions (openai SDK)', async () => {
      const client = sdk(api, key);
      const deep = {
        model: 'm-deep',
        messages: [{ role: 'user' as const, content: 'hi' }],
        tools: [
          {
            type: 'function' as const,
            function: { name: 'f', parameters: { type: 'object', properties: {}, x: nested(RELAY_DEPTH) } },
          },
        ],
      };
      const error = await sdkError(client.chat.completions.create(deep));
      expect(error.status).toBe(400);
      expect(error.code).toBe('invalid_request_error');
      expect(error.message).toContain(`deeper than ${RELAY_DEPTH} levels`);
      // Just within the limit, the same request is served.
      const within = {
        ...deep,
        tools: [
          {
            type: 'function' as const,
            function: {
              name: 'f',
              parameters: { type: 'object', properties: {}, x: nested(RELAY_DEPTH - 6) },
            },
          },
        ],
      };
      const served = await client.chat.completions.create(within);
      expect(served.choices).toHaveLength(1);
      expect(mock.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    });

    it('messages (anthropic SDK)', async () => {
      const client = new Anthropic({ baseURL: api.url, apiKey: key, maxRetries: 0, timeout: 30_000 });
      const error = await client.messages
        .create({
          model: 'm-deep',
          max_tokens: 5,
          messages: [{ role: 'user', content: 'hi' }],
          tools: [{ name: 'f', input_schema: { type: 'object', x: nested(RELAY_DEPTH) } }],
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect((error as InstanceType<typeof Anthropic.BadRequestError>).message).toContain('deeper than');
    });

    it('generateContent (@google/genai)', async () => {
      const client = new genai.GoogleGenAI({
        apiKey: key,
        httpOptions: {
          baseUrl: api.url,
          retryOptions: { attempts: 1 },
          fetch: (input, init) => fetch(input, init),
        },
      });
      const error = await client.models
        .generateContent({
          model: 'm-deep',
          contents: 'hi',
          config: { responseMimeType: 'application/json', responseJsonSchema: { x: nested(RELAY_DEPTH) } },
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(genai.ApiError);
      expect((error as InstanceType<typeof GenAI.ApiError>).status).toBe(400);
      expect((error as Error).message).toContain('INVALID_ARGUMENT');
    });

    it('a body nested 100,000 deep', async () => {
      const res = await request(api.url)
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${key}`)
        .set('content-type', 'application/json')
        .send('['.repeat(100_000))
        .expect(400);
      expect(res.body.error.message).toContain('deeper than');
    });
  });

  it('answers a NUL character PostgreSQL cannot store with a 400, in a path or a body', async () => {
    const path = await request(api.url)
      .get('/api/models/%00/price')
      .set('authorization', `Bearer ${admin}`)
      .expect(400);
    expect(path.body).toMatchObject({ statusCode: 400, code: 'invalid_encoding' });
    const body = await request(api.url)
      .post('/api/auth/login')
      .send({ email: 'root\u0000@example.test', password: 'whatever-password' });
    expect(body.status).toBeLessThan(500);
  });

  it('answers a lone UTF-16 surrogate in a validated field with a 400, not a 500', async () => {
    const res = await request(api.url)
      .post('/api/auth/login')
      .set('content-type', 'application/json')
      .send('{"email":"\\ud83d@example.test","password":"whatever-password"}')
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'invalid_encoding' });
  });

  describe(`/api refuses bodies nested deeper than ${ADMIN_DEPTH} levels`, () => {
    it.each([
      ['/api/auth/login', JSON.stringify({ email: 'a@b.co', password: nested(ADMIN_DEPTH) })],
      ['/api/auth/login', `${'['.repeat(50_000)}${']'.repeat(50_000)}`],
      ['/api/tokens', JSON.stringify({ name: 'deep', models: nested(ADMIN_DEPTH + 10) })],
    ])('%s → 400 too_deep', async (path, text) => {
      const res = await request(api.url)
        .post(path)
        .set('authorization', `Bearer ${admin}`)
        .set('content-type', 'application/json')
        .send(text)
        .expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'too_deep' });
    });
  });
});
