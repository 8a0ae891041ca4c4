import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from './undici-core';

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
