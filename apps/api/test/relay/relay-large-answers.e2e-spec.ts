// Bounded memory per request (issue #14 items 1 and 6): a non-stream answer past
// RELAY_MAX_RESPONSE_BYTES flows through to the client when it needs no translation and is refused
// with 502 upstream_response_too_large when it does; a client that stops reading is cut off after
// the channel's idle timeout, its upstream request ended and its request recorded.
import { connect, type Socket } from 'node:net';
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import type { UsageIngestor } from '@gateway/usage';
import type OpenAI from 'openai';
import request from 'supertest';
import { startApi, type ApiHarness } from '../api-harness';
import {
  createChannel,
  fund,
  sdk,
  sdkError,
  seedTenantWithToken,
  startIngestor,
  usageRecord,
} from './relay-fixture';

const LIMIT = 65_536;
const IDLE_MS = 2_000;

describe('answers larger than a request may hold', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let ingestor: UsageIngestor;
  let admin: string;
  let key: string;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    api = await startApi('relay_large_answers', { RELAY_MAX_RESPONSE_BYTES: String(LIMIT) });
    ingestor = startIngestor(api);
    admin = await api.adminToken();
    const seeded = await seedTenantWithToken(api, admin);
    key = seeded.key;
    await fund(api, seeded.tenantId, '100');
    client = sdk(api, key);
    await createChannel(api, admin, {
      name: 'openai-big',
      baseUrl: mock.baseUrl,
      models: ['emb-big', 'chat-endless'],
      keys: ['sk-mock;tokens=100000'],
      timeoutMs: IDLE_MS,
    });
    const anthropic = await request(api.url)
      .post('/api/channels')
      .set('authorization', `Bearer ${admin}`)
      .send({
        name: 'anthropic-big',
        type: 'anthropic',
        baseUrl: mock.url,
        models: ['claude-big'],
        groups: ['default'],
        timeoutMs: 10_000,
      })
      .expect(201);
    await request(api.url)
      .post(`/api/channels/${(anthropic.body as { id: string }).id}/keys`)
      .set('authorization', `Bearer ${admin}`)
      .send({ key: 'sk-ant-mock;tokens=30000' })
      .expect(201);
  });

  afterAll(async () => {
    await ingestor?.stop();
    await api?.close();
    await mock?.close();
  });

  beforeEach(async () => {
    await mock.settled();
    mock.reset();
  });

  it('passes an untranslated answer larger than the limit through whole, billed by its usage', async () => {
    const input = Array.from({ length: 40 }, (_, i) => `text number ${i}`);
    const { data, response } = await client.embeddings
      .create({ model: 'emb-big', input, dimensions: 4096, encoding_format: 'float' })
      .withResponse();
    expect(Number(response.headers.get('content-length') ?? 0)).toBe(0);
    expect(data.data).toHaveLength(40);
    for (const [index, item] of data.data.entries()) {
      expect(item.index).toBe(index);
      expect(item.embedding).toHaveLength(4096);
    }
    expect(data.usage.prompt_tokens).toBeGreaterThan(0);
    // The same text embeds to the same vector: nothing was lost or reordered on the way.
    const again = await client.embeddings.create({
      model: 'emb-big',
      input: ['text number 7'],
      dimensions: 4096,
      encoding_format: 'float',
    });
    expect(again.data[0]?.embedding).toEqual(data.data[7]?.embedding);
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record).toMatchObject({
      status: 200,
      usageSource: 'upstream',
      promptTokens: data.usage.prompt_tokens,
      completionTokens: 0,
    });
  });

  it('refuses an answer it would have to translate past the limit with 502 upstream_response_too_large', async () => {
    const error = await sdkError(
      client.chat.completions.create({
        model: 'claude-big',
        max_tokens: 30_000,
        messages: [{ role: 'user', content: 'write a lot' }],
      }),
    );
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream_response_too_large');
    expect(error.message).toContain('RELAY_MAX_RESPONSE_BYTES');
    const requestId = error.headers?.get('x-request-id') as string;
    const record = await usageRecord(api, admin, requestId);
    expect(record).toMatchObject({ status: 502, errorCode: 'upstream_response_too_large' });
  });

  it.each([
    [
      'a stream',
      {
        model: 'chat-endless',
        stream: true,
        max_tokens: 100_000,
        messages: [{ role: 'user', content: 'go on' }],
      },
    ],
    [
      'a large untranslated answer',
      {
        model: 'emb-big',
        input: Array.from({ length: 300 }, (_, i) => `row ${i}`),
        dimensions: 4096,
        encoding_format: 'float',
      },
    ],
  ])('cuts off a client that stops reading %s after the idle timeout', async (_kind, body) => {
    const path = 'stream' in body ? '/v1/chat/completions' : '/v1/embeddings';
    const socket = await stalledClient(api.url, path, key, body);
    try {
      const requestId = await requestIdOf(socket);
      const started = Date.now();
      // The upstream request ends (its connection released) and the request is recorded as the
      // client's abort, its hold settled; today's relay waits for the client forever.
      await mock.settled();
      const record = await usageRecord(api, admin, requestId, 30_000);
      expect(record).toMatchObject({ status: 499, errorCode: 'client_closed_request' });
      expect(Date.now() - started).toBeLessThan(IDLE_MS + 20_000);
    } finally {
      socket.destroy();
    }
  });
});

/**
 * A raw HTTP client that sends its request and then reads only the response head (to learn the
 * request id), never the body: its receive window fills and the gateway's writes stop draining.
 */
function stalledClient(url: string, path: string, key: string, body: object): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.setNoDelay(true);
      socket.write(
        `POST ${path} HTTP/1.1\r\nhost: ${hostname}\r\nauthorization: Bearer ${key}\r\n` +
          `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
      );
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Reads the first bytes of the answer for its x-request-id, then stops reading for good. */
function requestIdOf(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const match = /\r\nx-request-id: ([^\r\n]+)\r\n/i.exec(head);
      if (match) {
        socket.off('data', onData);
        socket.pause();
        resolve(match[1] as string);
      } else if (head.length > 64 * 1024) {
        reject(new Error(`no x-request-id in the answer's head: ${head.slice(0, 500)}`));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}
