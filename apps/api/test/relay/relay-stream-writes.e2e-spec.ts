// How a relayed stream reaches the client's socket (issue #16): what the gateway reads of the
// upstream at once goes out as one HTTP chunk in one write, not a chunk (and a system call) an event,
// and a stream that ends cleanly ends in the same write as its last events; after the first, the
// chunks are framed by the relay itself and written straight to the connection (chunk-writer.ts), so
// their sizes must count bytes, not characters, and a client without chunked encoding (HTTP/1.0)
// must get none. Read off the raw bytes, since the SDKs hide the framing; the same streams are then
// checked whole with the official SDK.
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
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
/** Text whose bytes outnumber its characters: two, three and four bytes a character in UTF-8. */
const WIDE_PIECES = ['größer ', '网关计费', ' 🚀🧾', ' é\u2028', 'fin'];

function chunkEvent(extra: object): string {
  return `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', ...extra })}\n\n`;
}

/** The events of an answer in wide text, each written by the upstream on its own, 20 ms apart. */
function paced(res: ServerResponse): void {
  const events = [
    ...WIDE_PIECES.map((content) =>
      chunkEvent({ choices: [{ index: 0, delta: { content }, finish_reason: null }] }),
    ),
    chunkEvent({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
    'data: [DONE]\n\n',
  ];
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const next = (): void => {
    const event = events.shift();
    if (event === undefined) return void res.end();
    res.write(event);
    setTimeout(next, 20);
  };
  next();
}

/** Events of 4 KB of text each, many megabytes of them: more than the sockets on the way hold. */
const FLOOD_EVENTS = 3_000;
const FLOOD_PIECE = 'word '.repeat(800);

/** A long answer written as fast as the relay takes it (the upstream waits for its own drains). */
async function flood(res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (let i = 0; i < FLOOD_EVENTS; i++) {
    const event = chunkEvent({
      choices: [{ index: 0, delta: { content: FLOOD_PIECE }, finish_reason: null }],
    });
    if (!res.write(event)) await once(res, 'drain');
  }
  res.write(chunkEvent({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
  res.end('data: [DONE]\n\n');
}

/** The events of a whole answer, written by the upstream in one write. */
function burst(): string {
  const chunk = chunkEvent;
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
  model = 'm-burst',
  version = '1.1',
): Promise<{ reads: string[]; chunks: string[]; headers: string; body: string }> {
  const { hostname, port } = new URL(url);
  const body = JSON.stringify({
    model,
    stream: true,
    messages: [{ role: 'user', content: 'hi' }],
  });
  const socket = connect(Number(port), hostname);
  socket.setEncoding('latin1');
  socket.write(
    `POST /v1/chat/completions HTTP/${version}\r\nHost: ${hostname}\r\nAuthorization: Bearer ${key}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  const reads: string[] = [];
  for await (const data of socket) reads.push(String(data));
  const raw = reads.join('');
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split);
  const chunks: string[] = [];
  if (!/\r\ntransfer-encoding: chunked/i.test(headers))
    return { reads, chunks, headers, body: raw.slice(split + 4) };
  let at = split + 4;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    const sizeLine = raw.slice(at, eol);
    // A size line that is not hex (a frame counted in characters lands mid-text) fails here.
    expect(sizeLine).toMatch(/^[0-9a-f]+$/);
    const size = parseInt(sizeLine, 16);
    if (size === 0) break;
    chunks.push(raw.slice(eol + 2, eol + 2 + size));
    expect(raw.slice(eol + 2 + size, eol + 2 + size + 2)).toBe('\r\n');
    at = eol + 2 + size + 2;
  }
  expect(raw.slice(at)).toBe('0\r\n\r\n');
  return { reads, chunks, headers, body: chunks.join('') };
}

describe('a relayed stream on the wire', () => {
  let relay: Relay;
  let upstream: LoopbackUpstream;
  let key: string;

  beforeAll(async () => {
    relay = await startRelay('relay_stream_writes');
    upstream = await startLoopbackUpstream((_req, body, res) => {
      const { model } = JSON.parse(body.toString()) as { model: string };
      if (model === 'm-paced') return paced(res);
      if (model === 'm-flood') return void flood(res);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(burst());
    });
    await createChannel(relay.api, relay.admin, {
      name: 'burst',
      baseUrl: upstream.baseUrl,
      models: ['m-burst', 'm-paced', 'm-flood'],
      keys: ['sk-burst'],
    });
    for (const model of ['m-burst', 'm-paced', 'm-flood']) {
      await request(relay.api.url)
        .put(`/api/models/${model}/price`)
        .set('authorization', `Bearer ${relay.admin}`)
        .send({ inputPer1M: '1', outputPer1M: '2' })
        .expect(200);
    }
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

  it('frames each read of wide text by its bytes, one chunk a read, and ends it cleanly', async () => {
    const { chunks, headers } = await rawStream(relay.api.url, key, 'm-paced');
    expect(headers).toMatch(/^HTTP\/1\.1 200/);
    // One chunk a read (7 events, 20 ms apart), each of whole events, its size its bytes (latin1
    // keeps them one a character here; a size counted in characters would fail the framing above).
    const texts = chunks.map((chunk) => Buffer.from(chunk, 'latin1').toString('utf8'));
    expect(texts.length).toBeGreaterThanOrEqual(4);
    for (const text of texts) expect(text).toMatch(/^(data: [^\n]*\n\n)+$/);
    const contents = texts
      .join('')
      .split('\n\n')
      .filter((line) => line.startsWith('data: {'))
      .map(
        (line) =>
          (JSON.parse(line.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta
            .content ?? '',
      );
    expect(contents.join('')).toBe(WIDE_PIECES.join(''));
    expect(texts.join('').endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('sends an HTTP/1.0 client the events without chunk frames, then closes', async () => {
    const { headers, body, chunks } = await rawStream(relay.api.url, key, 'm-paced', '1.0');
    expect(headers).toMatch(/^HTTP\/1\.[01] 200/);
    expect(headers.toLowerCase()).not.toContain('transfer-encoding');
    expect(chunks).toEqual([]);
    const text = Buffer.from(body, 'latin1').toString('utf8');
    expect(text).toMatch(/^(data: [^\n]*\n\n)+$/);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).toContain('网关计费');
  });

  it('is the same wide text to the official SDK, read after read', async () => {
    const stream = await sdk(relay.api, key).chat.completions.create({
      model: 'm-paced',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? '');
    expect(pieces.join('')).toBe(WIDE_PIECES.join(''));
  });

  it('waits for a client that stopped reading and goes on when it reads again', async () => {
    // The client takes nothing for 2 s: the connection's buffers fill and the relay's writes wait
    // for the connection to drain (not for the response, which Node's own writes would drain), then
    // the whole answer arrives, well before the channel's 10 s idle cut.
    const started = Date.now();
    const stream = await sdk(relay.api, key).chat.completions.create({
      model: 'm-flood',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    let pieces = 0;
    let finish: string | null = null;
    let paused = false;
    for await (const chunk of stream) {
      if (!paused) {
        paused = true;
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
      if (chunk.choices[0]?.delta.content === FLOOD_PIECE) pieces++;
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(pieces).toBe(FLOOD_EVENTS);
    expect(finish).toBe('stop');
    expect(Date.now() - started).toBeLessThan(9_000);
  }, 30_000);
});
