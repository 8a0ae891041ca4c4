// A client that sends its request a byte at a time holds a connection only as long as the operator
// allows (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS), key or no key; an answer that takes
// longer than those limits, a stream, is not cut by them.
import { connect, type Socket } from 'node:net';
import {
  createChannel,
  fund,
  sdk,
  seedTenantWithToken,
  startRelay,
  type Relay,
} from '../relay/relay-fixture';

const HEADERS_MS = 1_000;
const REQUEST_MS = 2_000;

interface Dribbled {
  /** The status line the api answered, if any. */
  statusLine: string | null;
  /** Milliseconds from the first byte sent until the api closed the connection. */
  closedAfterMs: number;
}

/** Sends `head`, then one byte of `rest` every 100 ms, until the api closes the connection. */
function dribble(url: string, head: string, rest: string): Promise<Dribbled> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const socket: Socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent < rest.length && !socket.destroyed) socket.write(rest[sent++] as string);
      }, 100);
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => undefined); // a reset after the 408 is a close too
    socket.on('close', () => {
      clearInterval(timer);
      resolve({
        statusLine: answer === '' ? null : (answer.split('\r\n')[0] ?? null),
        closedAfterMs: Date.now() - startedAt,
      });
    });
    // The suite's own bound: a connection the api never closes fails the test, not the run.
    setTimeout(() => {
      if (!socket.destroyed) {
        socket.destroy();
        reject(new Error(`the api kept a dribbling connection open for 15 s: ${answer}`));
      }
    }, 15_000).unref();
  });
}

describe('HTTP timeouts for slow clients', () => {
  let relay: Relay;
  let key: string;

  beforeAll(async () => {
    relay = await startRelay('http_timeouts', {
      env: { HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS), HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS) },
    });
    await createChannel(relay.api, relay.admin, {
      name: 'slow-stream',
      baseUrl: relay.mock.baseUrl,
      models: ['slow-model'],
      // 31 chunks 120 ms apart: a stream of about 3.6 s, past both limits.
      keys: ['sk-mock;tokens=31;chunkDelay=120'],
    });
    const seeded = await seedTenantWithToken(relay.api, relay.admin);
    await fund(relay.api, seeded.tenantId, '5');
    key = seeded.key;
  });

  afterAll(async () => {
    await relay?.close();
  });

  it('answers 408 and closes a keyless client that dribbles a small /v1 body', async () => {
    const body = JSON.stringify({ model: 'slow-model', messages: [{ role: 'user', content: 'hi' }] }).padEnd(
      200,
      ' ',
    );
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const result = await dribble(relay.api.url, head, body);
    expect(result.statusLine).toBe('HTTP/1.1 408 Request Timeout');
    // The limit, plus at most the one-second check and some slack for a loaded machine.
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(REQUEST_MS - 100);
    expect(result.closedAfterMs).toBeLessThan(REQUEST_MS + 4_000);
  });

  it('closes a client that dribbles its headers, on the console side too', async () => {
    const head = 'GET /api/health HTTP/1.1\r\n';
    const result = await dribble(relay.api.url, head, 'X-Slow: ' + 'a'.repeat(200));
    expect(result.statusLine).toBe('HTTP/1.1 408 Request Timeout');
    expect(result.closedAfterMs).toBeLessThan(HEADERS_MS + 4_000);
  });

  it('lets a stream take longer than the limits: only receiving the request is timed', async () => {
    const startedAt = Date.now();
    const stream = await sdk(relay.api, key).chat.completions.create({
      model: 'slow-model',
      messages: [{ role: 'user', content: 'tell me a long story' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(Date.now() - startedAt).toBeGreaterThan(REQUEST_MS + 1_000);
    expect(text.split(' ').filter(Boolean)).toHaveLength(31);
  });
});
