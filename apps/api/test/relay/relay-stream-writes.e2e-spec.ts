// How a relayed stream reaches the client's socket (issue #16): what the gateway reads of the
// upstream at once goes out as one HTTP chunk in one write, not a chunk (and a system call) an event,
// and a stream that ends cleanly ends in the same write as its last events. Read off the raw bytes,
// since the SDKs hide the framing; the same stream is then checked whole with the official SDK.
import { connect } from 'node:net';
import request from 'supertest';
import {
  createChannel,
  fund,
  sdk,
  seedTenantWithToken,
  startLoopbackUpstream,
  startRelay,
  type LoopbackUpstream,
  type Relay,
} from './relay-fixture';

const PIECES = ['one ', 'two ', 'three ', 'four ', 'five ', 'six'];

/** The events of a whole answer, written by the upstream in one write. */
function burst(): string {
  const chunk = (extra: object) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', ...extra })}\n\n`;
  return [
    ...PIECES.map((content) => chunk({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })),
    chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
    chunk({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 } }),
    'data: [DONE]\n\n',
  ].join('');
}

/** One streamed chat request over a raw socket: each socket read as it came, and the HTTP chunks in them. */
async function rawStream(
  url: string,
  key: string,
): Promise<{ reads: string[]; chunks: string[]; headers: string }> {
  const { hostname, port } = new URL(url);
  const body = JSON.stringify({
    model: 'm-burst',
    stream: true,
    messages: [{ role: 'user', content: 'hi' }],
  });
  const socket = connect(Number(port), hostname);
  socket.setEncoding('latin1');
  socket.write(
    `POST /v1/chat/completions HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${key}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  const reads: string[] = [];
  for await (const data of socket) reads.push(String(data));
  const raw = reads.join('');
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split);
  const chunks: string[] = [];
  let at = split + 4;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    const size = parseInt(raw.slice(at, eol), 16);
    if (size === 0) break;
    chunks.push(raw.slice(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return { reads, chunks, headers };
}

describe('a relayed stream on the wire', () => {
  let relay: Relay;
  let upstream: LoopbackUpstream;
  let key: string;

  beforeAll(async () => {
    relay = await startRelay('relay_stream_writes');
    upstream = await startLoopbackUpstream((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(burst());
    });
    await createChannel(relay.api, relay.admin, {
      name: 'burst',
      baseUrl: upstream.baseUrl,
      models: ['m-burst'],
      keys: ['sk-burst'],
    });
    await request(relay.api.url)
      .put('/api/models/m-burst/price')
      .set('authorization', `Bearer ${relay.admin}`)
      .send({ inputPer1M: '1', outputPer1M: '2' })
      .expect(200);
    const seeded = await seedTenantWithToken(relay.api, relay.admin);
    await fund(relay.api, seeded.tenantId, '5');
    key = seeded.key;
  }, 60_000);

  afterAll(async () => {
    await relay?.close();
    await upstream?.close();
  });

  it('sends what one read brings as one chunk, and ends in the write of the last events', async () => {
    const { reads, chunks, headers } = await rawStream(relay.api.url, key);
    expect(headers).toMatch(/^HTTP\/1\.1 200/);
    expect(headers.toLowerCase()).toContain('transfer-encoding: chunked');
    // The first event goes with the head, the rest of the read in one chunk (the client did not ask
    // for usage, so the usage-only chunk is dropped): 9 events were 8 chunks, one each.
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toContain('"content":"one "');
    const rest = chunks[1]!;
    expect(rest.match(/^data: /gm)).toHaveLength(7);
    expect(rest).toContain('"finish_reason":"stop"');
    expect(rest).not.toContain('"usage"');
    expect(rest.endsWith('data: [DONE]\n\n')).toBe(true);
    // The answer's end (the zero-size chunk) arrived with the last events, not in a write of its own.
    const last = reads.at(-1)!;
    expect(last).toContain('data: [DONE]\n\n\r\n0\r\n\r\n');
  });

  it('is the same answer to the official SDK, usage included when asked for', async () => {
    const stream = await sdk(relay.api, key).chat.completions.create({
      model: 'm-burst',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
    });
    let text = '';
    let finish: string | null = null;
    let usage: unknown = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(PIECES.join(''));
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 6 });
  });
});
