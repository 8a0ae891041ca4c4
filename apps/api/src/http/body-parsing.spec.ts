import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { jsonBody, relayJsonBody } from './body-parsing';

// relayJsonBody reads the common body itself and hands everything else to jsonBody: whichever reads
// it, a request must end the same way (the same parsed body, or the same kind of error).
describe('relayJsonBody', () => {
  const limits = { size: '1kb', depth: 4 };
  const taken: string[] = [];

  function appWith(parser: RequestHandler) {
    const app = express();
    app.post('/', parser, (req: Request, res: Response) => {
      res.json({ body: req.body === undefined ? '(none)' : req.body });
    });
    app.use(
      (
        err: Error & { type?: string; status?: number },
        _req: Request,
        res: Response,
        _next: NextFunction,
      ) => {
        res.status(err.status ?? 500).json({ type: err.type ?? '(no type)' });
      },
    );
    return app;
  }
  const reference = appWith(jsonBody(limits));
  const viaJsonBody = jsonBody(limits);
  const lean = relayJsonBody(limits, (req, res, next) => {
    taken.push('jsonBody');
    viaJsonBody(req, res, next);
  });
  const tested = appWith((req, res, next) => {
    const before = taken.length;
    lean(req, res, (error?: unknown) => {
      if (taken.length === before) taken.push('own');
      next(error);
    });
  });

  type Case = [string, Record<string, string>, string | Buffer, 'own' | 'jsonBody'];
  const json = { 'content-type': 'application/json' };
  const cases: Case[] = [
    ['an object', json, '{"model":"m","messages":[{"role":"user","content":"hé"}]}', 'own'],
    ['an array', json, '[1,2,3]', 'own'],
    ['a UTF-8 charset', { 'content-type': 'application/json; charset=utf-8' }, '{"a":1}', 'own'],
    ['a quoted upper-case charset', { 'content-type': 'Application/JSON;charset="UTF-8"' }, '{"a":1}', 'own'],
    [
      'a byte order mark',
      json,
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]),
      'own',
    ],
    ['only a byte order mark', json, Buffer.from([0xef, 0xbb, 0xbf]), 'own'],
    ['whitespace around', json, ' \n\t{"a":1}\r\n ', 'own'],
    ['only whitespace', json, '   ', 'own'],
    ['a string at the top', json, '"text"', 'own'],
    ['a number at the top', json, ' 42', 'own'],
    ['broken JSON', json, '{"a":1,}', 'own'],
    ['a truncated body', json, '{"a":', 'own'],
    ['invalid UTF-8', json, Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'own'],
    ['nesting past the depth', json, '{"a":[[[{"b":1}]]]}', 'own'],
    ['nesting up to the depth', json, '{"a":[[{"b":"[[[[[["}]]]}', 'own'],
    ['a body over the limit', json, JSON.stringify({ a: 'x'.repeat(2000) }), 'jsonBody'],
    ['an empty body', json, '', 'jsonBody'],
    ['another charset', { 'content-type': 'application/json; charset=latin1' }, '{"a":1}', 'jsonBody'],
    ['another type', { 'content-type': 'text/plain' }, '{"a":1}', 'jsonBody'],
    ['a +json type', { 'content-type': 'application/vnd.api+json' }, '{"a":1}', 'jsonBody'],
    ['no type', {}, '{"a":1}', 'jsonBody'],
    ['a gzipped body', { ...json, 'content-encoding': 'gzip' }, gzipSync('{"a":1}'), 'jsonBody'],
    ['an unknown encoding', { ...json, 'content-encoding': 'bogus' }, '{"a":1}', 'jsonBody'],
  ];

  // Raw bytes over a real socket (superagent would send a Buffer as the JSON of the Buffer).
  const servers: Server[] = [];
  const urls = new Map<express.Express, string>();
  beforeAll(async () => {
    for (const app of [reference, tested]) {
      const server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      servers.push(server);
      urls.set(app, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });
  async function send(
    app: express.Express,
    headers: Record<string, string>,
    body: string | Buffer | ReadableStream<Uint8Array>,
  ) {
    const res = await fetch(
      urls.get(app) as string,
      { method: 'POST', headers, body, duplex: 'half' } as Parameters<typeof fetch>[1],
    );
    return { status: res.status, body: (await res.json()) as unknown };
  }

  it.each(cases)('%s: ends as jsonBody ends it', async (_name, headers, body, way) => {
    const expected = await send(reference, headers, body);
    taken.length = 0;
    expect(await send(tested, headers, body)).toEqual(expected);
    expect(taken).toEqual([way]);
  });

  it('reads what it reads itself as jsonBody does', async () => {
    const json = { 'content-type': 'application/json' };
    expect(await send(tested, json, Buffer.from([0xef, 0xbb, 0xbf, 0x5b, 0x31, 0x5d]))).toEqual({
      status: 200,
      body: { body: [1] },
    });
    expect(await send(tested, json, '')).toEqual({ status: 200, body: { body: {} } });
    expect(await send(tested, json, '{"a":[[[{"b":1}]]]}')).toEqual({
      status: 400,
      body: { type: 'entity.too.deep' },
    });
    expect(await send(tested, json, '"x"')).toEqual({ status: 400, body: { type: 'entity.parse.failed' } });
    expect(await send(tested, json, Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))).toEqual({
      status: 400,
      body: { type: 'encoding.invalid' },
    });
  });

  it('reads a chunked body through jsonBody', async () => {
    const chunked = () =>
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"a":'));
          controller.enqueue(new TextEncoder().encode('[1]}'));
          controller.close();
        },
      });
    const json = { 'content-type': 'application/json' };
    taken.length = 0;
    expect(await send(tested, json, chunked())).toEqual({ status: 200, body: { body: { a: [1] } } });
    expect(await send(reference, json, chunked())).toEqual({ status: 200, body: { body: { a: [1] } } });
    expect(taken).toEqual(['jsonBody']);
  });
});
