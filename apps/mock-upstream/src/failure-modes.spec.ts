import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { startMockUpstream } from './mock-upstream';
import { mockUpstreamPerSuite } from '../test/mock-upstream-fixture';

/**
 * Under Jest, fetch's AbortError is a DOMException of another realm, not `instanceof Error` in the
 * test's realm, so the SDK's castToError loses its name and reports a timeout as a plain
 * APIConnectionError. Re-raising it as a same-realm Error restores the SDK's own timeout detection;
 * plain Node needs none of this.
 */
const sameRealmFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
  fetch(input, init).catch((error: unknown) => {
    if (error instanceof Error) throw error;
    const { name, message } = error as { name: string; message: string };
    throw Object.assign(new Error(message), { name });
  });

const upstream = mockUpstreamPerSuite();
const client = (apiKey: string, options: { timeout?: number } = {}): OpenAI =>
  upstream.client(apiKey, { fetch: sameRealmFetch, ...options });

const params = { model: 'mock-gpt', messages: [{ role: 'user' as const, content: 'hi' }] };

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('status=', () => {
  it('429 with retryAfter surfaces as RateLimitError carrying Retry-After', async () => {
    const error = await client('sk-mock;status=429;retryAfter=3')
      .chat.completions.create(params)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.code).toBe('rate_limit_exceeded');
    expect(rateLimit.headers?.get('retry-after')).toBe('3');
    expect(upstream.mock.requests[0]).toMatchObject({ status: 429, usage: undefined });
  });

  it('401 surfaces as AuthenticationError', async () => {
    const error = await client('sk;status=401')
      .chat.completions.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
  });

  it.each([500, 503])('%i surfaces as InternalServerError', async (status) => {
    const error = await client(`sk;status=${status}`)
      .embeddings.create({ model: 'mock-embed', input: 'a' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(status);
    expect((error as InstanceType<typeof OpenAI.InternalServerError>).code).toBe('server_error');
  });

  it('fails a stream request before any chunk, as plain JSON', async () => {
    await expect(
      client('sk;status=503').chat.completions.create({ ...params, stream: true }),
    ).rejects.toBeInstanceOf(OpenAI.InternalServerError);
  });
});

describe('context=N', () => {
  it("refuses a prompt past the context with OpenAI's context_length_exceeded; a shorter one is answered", async () => {
    const error = await client('sk;context=3')
      .chat.completions.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'messages' });
    expect((error as Error).message).toMatch(/maximum context length is 3 tokens/);
    await expect(client('sk;context=1000').chat.completions.create(params)).resolves.toMatchObject({
      object: 'chat.completion',
    });
  });
});

describe('fail=K', () => {
  it('fails the first K requests of a key, then succeeds; reset() starts over', async () => {
    const flaky = client('sk;status=503;fail=2');
    await expect(flaky.chat.completions.create(params)).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(flaky.chat.completions.create(params)).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(flaky.chat.completions.create(params)).resolves.toMatchObject({ object: 'chat.completion' });
    // another key has its own budget
    await expect(
      client('sk;status=503;fail=1;tokens=2').chat.completions.create(params),
    ).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect(upstream.mock.requests.map((r) => r.status)).toEqual([503, 503, 200, 503]);

    upstream.mock.reset();
    await expect(flaky.chat.completions.create(params)).rejects.toBeInstanceOf(OpenAI.InternalServerError);
  });
});

describe('every=N', () => {
  it('fails every Nth request of a key (a flaky key), and succeeds between', async () => {
    const flaky = client('sk;status=429;every=2;tokens=2');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        await flaky.chat.completions.create(params).then(
          () => 200,
          (error: InstanceType<typeof OpenAI.APIError>) => error.status as number,
        ),
      );
    }
    expect(statuses).toEqual([200, 429, 200, 429]);
  });
});

describe('timing', () => {
  it('latency delays a non-stream answer', async () => {
    const started = Date.now();
    await client('sk;latency=150').chat.completions.create(params);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('ttft delays the response headers and first chunk; chunkDelay spaces the chunks', async () => {
    const started = Date.now();
    const stream = await client('sk;ttft=150;chunks=4;chunkDelay=40;tokens=8').chat.completions.create({
      ...params,
      stream: true,
    });
    const headersAt = Date.now() - started;
    const contentAt: number[] = [];
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) contentAt.push(Date.now() - started);
    }

    expect(headersAt).toBeGreaterThanOrEqual(140);
    expect(contentAt).toHaveLength(4);
    expect(contentAt[3] - contentAt[0]).toBeGreaterThanOrEqual(3 * 40 - 15);
  });
});

describe('drop=N', () => {
  it('cuts a stream after N chunks without [DONE]; the SDK iteration throws', async () => {
    const stream = await client('sk;drop=3;tokens=10').chat.completions.create({ ...params, stream: true });
    const received: ChatCompletionChunk[] = [];
    const iterate = async (): Promise<void> => {
      for await (const chunk of stream) received.push(chunk);
    };

    await expect(iterate()).rejects.toThrow();
    expect(received).toHaveLength(3);
    await upstream.mock.settled();
    expect(upstream.mock.requests[0]).toMatchObject({
      dropped: true,
      aborted: false,
      chunksSent: 3,
      status: 200,
    });
  });

  it('cuts a stream of fewer chunks before [DONE]', async () => {
    const stream = await client('sk;drop=100;tokens=2').chat.completions.create({ ...params, stream: true });
    const iterate = async (): Promise<void> => {
      for await (const _chunk of stream) {
        // consume
      }
    };
    await expect(iterate()).rejects.toThrow();
  });

  it('cuts a non-stream request without an answer', async () => {
    await expect(client('sk;drop=0').chat.completions.create(params)).rejects.toBeInstanceOf(
      OpenAI.APIConnectionError,
    );
    await upstream.mock.settled();
    expect(upstream.mock.requests[0]).toMatchObject({ dropped: true, status: 0 });
  });
});

describe('disconnects', () => {
  it('hang=1 never answers: the SDK times out and the mock records the abort', async () => {
    const started = Date.now();
    await expect(
      client('sk;hang=1', { timeout: 200 }).chat.completions.create(params),
    ).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    await upstream.mock.settled();
    expect(upstream.mock.requests[0]).toMatchObject({ aborted: true, status: 0, behaviour: { hang: true } });
    expect(upstream.mock.requests[0].endedAt).toBeGreaterThanOrEqual(upstream.mock.requests[0].startedAt);
  });

  it('stops waiting when the client leaves during latency: nothing is sent later', async () => {
    await expect(
      client('sk;latency=300', { timeout: 50 }).chat.completions.create(params),
    ).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    await upstream.mock.settled();
    const [record] = upstream.mock.requests;
    expect(record.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 350));
    // Had the latency timer survived the disconnect, the mock would have answered into the void by now.
    expect(record.status).toBe(0);
    expect(record.usage).toBeDefined();
  });

  it('records a client that aborts mid-stream, and stops streaming to it', async () => {
    const controller = new AbortController();
    const stream = await client('sk;chunks=20;chunkDelay=20;tokens=20').chat.completions.create(
      { ...params, stream: true },
      { signal: controller.signal },
    );
    let received = 0;
    for await (const _chunk of stream) {
      if (++received === 2) controller.abort();
    }

    await upstream.mock.settled();
    const [record] = upstream.mock.requests;
    expect(record.aborted).toBe(true);
    expect(record.status).toBe(200);
    expect(record.chunksSent).toBeGreaterThanOrEqual(2);
    expect(record.chunksSent).toBeLessThan(22);
  });

  it('waits for a slow reader instead of buffering the whole stream (backpressure)', async () => {
    const req = request(`${upstream.mock.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk;tokens=100000', 'content-type': 'application/json' },
    });
    req.on('error', () => undefined); // destroyed on purpose below
    req.end(JSON.stringify({ ...params, stream: true }));
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    expect(res.statusCode).toBe(200);
    // Never read the body: the socket buffers fill up and the mock has to wait.
    const record = upstream.mock.requests[0];
    let previous = -1;
    await until(() => {
      const stalled = record.chunksSent > 0 && record.chunksSent === previous;
      previous = record.chunksSent;
      return stalled;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(record.chunksSent).toBe(previous);
    expect(record.chunksSent).toBeLessThan(100_002);

    req.destroy();
    await upstream.mock.settled();
    expect(record.aborted).toBe(true);
    expect(record.chunksSent).toBe(previous);
  });

  it('close() ends in-flight requests at once, waiting ones included', async () => {
    const own = await startMockUpstream();
    const ownClient = (apiKey: string): OpenAI => new OpenAI({ apiKey, baseURL: own.baseUrl, maxRetries: 0 });
    const waiting = ownClient('sk;latency=60000').chat.completions.create(params);
    const hanging = ownClient('sk;hang=1').chat.completions.create(params);
    const streaming = ownClient('sk;chunkDelay=60000').chat.completions.create({ ...params, stream: true });
    waiting.catch(() => undefined);
    hanging.catch(() => undefined);
    await streaming; // headers and the first chunk arrived; the next is a minute away
    await until(() => own.requests.length === 3 && own.requests.every((r) => r.behaviour !== undefined));

    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(waiting).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    await expect(hanging).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    await own.settled();
    expect(own.requests.every((r) => r.aborted)).toBe(true);
    await expect(own.close()).resolves.toBeUndefined();
  });
});
