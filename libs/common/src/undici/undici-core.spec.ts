import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, exchange, request } from './undici-core';

describe('undici-core (the Agent and request without undici’s entry point)', () => {
  let server: Server;
  let origin: string;
  const seen: { method?: string; url?: string; body: string; header?: string }[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (piece: string) => (body += piece));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, body, header: req.headers['x-probe'] as string });
        res.writeHead(201, { 'content-type': 'application/json', 'x-answer': 'yes' });
        res.end(JSON.stringify({ got: body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => (seen.length = 0));

  it('sends through the given Agent: method, path with its query, headers and body; answers status, headers and body', async () => {
    const agent = new Agent({ keepAliveTimeout: 1_000 });
    try {
      const res = await request(`${origin}/v1/chat/completions?api-version=2024-10-21`, {
        method: 'POST',
        headers: { 'x-probe': 'one', 'content-type': 'application/json' },
        body: '{"model":"m"}',
        dispatcher: agent,
        headersTimeout: 5_000,
        bodyTimeout: 5_000,
      });
      expect(res.statusCode).toBe(201);
      expect(res.headers['x-answer']).toBe('yes');
      expect(await res.body.json()).toEqual({ got: '{"model":"m"}' });
      expect(seen).toEqual([
        {
          method: 'POST',
          url: '/v1/chat/completions?api-version=2024-10-21',
          body: '{"model":"m"}',
          header: 'one',
        },
      ]);
    } finally {
      await agent.close();
    }
  });

  it('without a dispatcher, uses undici’s process-wide one (a path without a query stays as it is)', async () => {
    const res = await request(`${origin}/models`, { method: 'GET' });
    expect(res.statusCode).toBe(201);
    await res.body.text();
    expect(seen.map((s) => [s.method, s.url])).toEqual([['GET', '/models']]);
  });

  it('refuses a URL that is not http or https as undici does, sending nothing', async () => {
    const agent = new Agent();
    try {
      expect(() => request('ftp://127.0.0.1/file', { method: 'GET', dispatcher: agent })).toThrow(
        expect.objectContaining({ code: 'UND_ERR_INVALID_ARG' }),
      );
      expect(() => request('not a url', { method: 'GET', dispatcher: agent })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_URL' }),
      );
      expect(seen).toEqual([]);
    } finally {
      await agent.close();
    }
  });

  it('an aborted signal rejects with undici’s abort error', async () => {
    const agent = new Agent();
    try {
      await expect(
        request(`${origin}/slow`, { method: 'GET', dispatcher: agent, signal: AbortSignal.abort() }),
      ).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      await agent.close();
    }
  });
});

describe('exchange (the relay’s upstream call: status, headers and a body without a Readable)', () => {
  let server: Server;
  let origin: string;
  let agent: InstanceType<typeof Agent>;
  const BIG = 300 * 1024;
  /** Resolved when the server sees the connection of the named path close. */
  const closed = new Map<string, Promise<void>>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '';
      closed.set(path, new Promise((resolve) => res.on('close', () => resolve())));
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (piece: string) => (body += piece));
      req.on('end', () => {
        if (path === '/json') {
          res.writeHead(200, { 'content-type': 'application/json', 'x-answer': ['a', 'b'] });
          res.end(JSON.stringify({ got: body, query: path }));
        } else if (path === '/big') {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          // 300 KiB in 1 KiB writes: more than the 64 KiB the body reads ahead before pausing.
          for (let i = 0; i < BIG / 1024; i++) res.write(Buffer.alloc(1024, i % 256));
          res.end();
        } else if (path === '/hang') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('data: first\n\n');
        } else if (path === '/drop') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('data: first\n\n', () => setTimeout(() => res.socket?.destroy(), 20));
        } else if (path === '/silent') {
          // No headers at all.
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => (agent = new Agent({ keepAliveTimeout: 1_000 })));
  afterEach(async () => {
    await agent.destroy();
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const call = (path: string, signal = new AbortController().signal, headersTimeout = 5_000) =>
    exchange(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":"m"}',
      signal,
      dispatcher: agent,
      headersTimeout,
      bodyTimeout: 5_000,
    });

  const readAll = async (body: AsyncIterable<Buffer>) => {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk);
    return Buffer.concat(chunks);
  };

  it('answers the status, the headers (a repeated one as a list) and the whole body', async () => {
    const answer = await call('/json');
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['x-answer']).toEqual(['a', 'b']);
    expect(JSON.parse((await readAll(answer.body)).toString())).toEqual({
      got: '{"model":"m"}',
      query: '/json',
    });
  });

  it('pauses the connection past 64 KiB unread and resumes it as the body is taken: every byte arrives', async () => {
    const answer = await call('/big');
    // Nothing is taken for a while: the server's writes fill the 64 KiB and the socket, then stop.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const bytes = await readAll(answer.body);
    expect(bytes.byteLength).toBe(BIG);
    for (let i = 0; i < BIG / 1024; i++) expect(bytes[i * 1024]).toBe(i % 256);
  });

  it('is read without waiting too: read() hands out what is held, onReadable wakes for more, ended at the end', async () => {
    const answer = await call('/big');
    const body = answer.body;
    let size = 0;
    await new Promise<void>((resolve, reject) => {
      const step = () => {
        try {
          for (let chunk = body.read(); chunk !== null; chunk = body.read()) size += chunk.byteLength;
          if (body.ended) resolve();
          else body.onReadable(step);
        } catch (error) {
          reject(error);
        }
      };
      step();
    });
    expect(size).toBe(BIG);
  });

  it('leaving the body before its end breaks the connection off', async () => {
    const answer = await call('/hang');
    const first = await answer.body.next();
    expect(Buffer.from(first.value as Buffer).toString()).toBe('data: first\n\n');
    answer.body.destroy();
    await closed.get('/hang');
    expect(await answer.body.next()).toEqual({ value: undefined, done: true });
  });

  it('a broken connection mid-body fails the body, in both ways of reading it', async () => {
    const iterated = await call('/drop');
    await expect(readAll(iterated.body)).rejects.toMatchObject({ name: 'SocketError' });
    const pulled = await call('/drop');
    const failure = await new Promise((resolve) => {
      const step = () => {
        try {
          while (pulled.body.read() !== null);
          pulled.body.onReadable(step);
        } catch (error) {
          resolve(error);
        }
      };
      step();
    });
    expect(failure).toMatchObject({ name: 'SocketError' });
  });

  it('the signal rejects the call before the headers and fails the body after them, breaking the connection off', async () => {
    await expect(call('/json', AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    const before = new AbortController();
    const pending = call('/silent', before.signal);
    setTimeout(() => before.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await closed.get('/silent');

    const after = new AbortController();
    const answer = await call('/hang', after.signal);
    await answer.body.next();
    const reading = answer.body.next();
    after.abort();
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    await closed.get('/hang');
  });

  it('a call without a body (a GET) is sent; its failures reject or fail the body as with one', async () => {
    const get = (path: string, headersTimeout = 5_000) =>
      exchange(`${origin}${path}`, {
        method: 'GET',
        headers: {},
        signal: new AbortController().signal,
        dispatcher: agent,
        headersTimeout,
        bodyTimeout: 5_000,
      });
    const answer = await get('/json');
    expect(JSON.parse((await readAll(answer.body)).toString())).toEqual({ got: '', query: '/json' });
    await expect(get('/silent', 100)).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    const dropped = await get('/drop');
    await expect(readAll(dropped.body)).rejects.toMatchObject({ name: 'SocketError' });
  });

  it('an answer whose headers do not come in time rejects with undici’s timeout', async () => {
    await expect(call('/silent', undefined, 100)).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
  });
});
