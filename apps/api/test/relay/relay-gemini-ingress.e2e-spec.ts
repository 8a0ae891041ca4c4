// POST /v1beta/models/{model}:generateContent for `@google/genai` (unchanged): what is particular to
// this ingress — the key in ?key= as well as x-goog-api-key, errors in Google's shape, and a Gemini
// channel getting the client's Google-only fields whatever the client set. Answers,
// streams, function calls, broken streams and billing against every upstream are in
// relay-ingress-matrix.
import request from 'supertest';
import { issueToken } from './relay-fixture';
import { failure, genai, startIngressRelay, upstreamMaxOutput, type IngressRelay } from './ingress-fixture';

describe('Gemini clients (@google/genai → gateway → mock upstream)', () => {
  let r: IngressRelay;

  beforeAll(async () => {
    r = await startIngressRelay('relay_gemini_ingress');
    await r.channel('openai', 'ch-openai', 'g-openai', 'sk-mock-gemini-ingress');
    await r.channel('gemini', 'ch-gemini', 'g-gemini', 'AIza-mock-gemini-ingress');
    await r.price('g-gemini');
  });

  afterAll(async () => {
    await r?.close();
  });

  beforeEach(() => r.mock.reset());

  it('takes the key from ?key= as well as x-goog-api-key', async () => {
    const res = await request(r.api.url)
      .post(`/v1beta/models/g-openai:generateContent?key=${encodeURIComponent(r.key)}`)
      .send({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] })
      .expect(200);
    expect((res.body as { candidates: unknown[] }).candidates).toHaveLength(1);
  });

  it("answers gateway errors in Google's shape", async () => {
    const error = await r
      .googleClient('sk-wrong')
      .models.generateContent({ model: 'g-openai', contents: 'hi' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(genai.ApiError);
    expect((error as InstanceType<typeof genai.ApiError>).status).toBe(401);

    const unknown = await request(r.api.url)
      .post('/v1beta/models/no-such-model:generateContent')
      .set('x-goog-api-key', r.key)
      .send({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] })
      .expect(404);
    expect(unknown.body).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });

    const malformed = await request(r.api.url)
      .post('/v1beta/models/g-openai:generateContent')
      .set('x-goog-api-key', r.key)
      .set('content-type', 'application/json')
      .send('{"contents": ')
      .expect(400);
    expect(malformed.body).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
    expect(r.mock.requests).toHaveLength(0);
  });

  it("keeps a Gemini channel's own fields without maxOutputTokens too, asking for the held ceiling", async () => {
    // Google-only settings the canonical model has no place for: dropping them would change the
    // answer (no grounding, the cached context gone, stricter safety) without a word.
    const config = {
      cachedContent: 'cachedContents/the-manual',
      safetySettings: [
        {
          category: genai.HarmCategory.HARM_CATEGORY_HARASSMENT,
          threshold: genai.HarmBlockThreshold.BLOCK_NONE,
        },
      ],
      tools: [{ googleSearch: {} }],
      temperature: 0.3,
    };
    const answer = await r.google.models.generateContent({ model: 'g-gemini', contents: 'hi', config });
    expect(answer.text).toMatch(/^alpha bravo/);
    const stream = await r.google.models.generateContentStream({ model: 'g-gemini', contents: 'hi', config });
    for await (const chunk of stream) expect(chunk.candidates).toHaveLength(1);

    const calls = r.upstreamCalls();
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.body).toMatchObject({
        cachedContent: config.cachedContent,
        safetySettings: config.safetySettings,
        tools: config.tools,
        generationConfig: { temperature: 0.3 },
      });
      // The upstream may produce no more than was held (BILLING_DEFAULT_MAX_TOKENS).
      expect(upstreamMaxOutput(call)).toBe(4096);
    }
  });

  it("counts a prompt's tokens (countTokens) with the gateway's tokenizer, refusing the models generateContent refuses", async () => {
    const counted = await r.google.models.countTokens({ model: 'g-openai', contents: 'hello there, world' });
    expect(counted.totalTokens).toBeGreaterThan(0);
    // The REST form that wraps a whole generateContent request counts the same contents.
    const wrapped = await request(r.api.url)
      .post('/v1beta/models/g-openai:countTokens')
      .set('x-goog-api-key', r.key)
      .send({
        generateContentRequest: {
          model: 'models/g-openai',
          contents: [{ role: 'user', parts: [{ text: 'hello there, world' }] }],
        },
      })
      .expect(200);
    expect(wrapped.body).toEqual({ totalTokens: counted.totalTokens });

    const unknown = await failure(r.google.models.countTokens({ model: 'no-such-model', contents: 'hi' }));
    expect(unknown).toMatchObject({ status: 404 });
    const limited = await issueToken(r.api, r.admin, { tenantId: r.tenantId, models: ['g-gemini'] });
    const refused = await failure(
      r.googleClient(limited.key).models.countTokens({ model: 'g-openai', contents: 'hi' }),
    );
    expect(refused).toMatchObject({ status: 403 });
    const anonymous = await failure(
      r.googleClient('sk-wrong').models.countTokens({ model: 'g-openai', contents: 'hi' }),
    );
    expect(anonymous).toMatchObject({ status: 401 });
    const malformed = await request(r.api.url)
      .post('/v1beta/models/g-openai:countTokens')
      .set('x-goog-api-key', r.key)
      .send({ contents: [{ role: 'user', parts: [{ text: 5 }] }] })
      .expect(400);
    expect(malformed.body).toMatchObject({
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: expect.stringContaining('contents[0].parts[0].text'),
      },
    });
    expect(r.upstreamCalls()).toHaveLength(0);
  });
});
