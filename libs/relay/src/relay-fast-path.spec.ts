import { createServer, IncomingMessage } from 'node:http';
import express, { type Request, type Response } from 'express';
import request from 'supertest';
import type { RelayController } from './relay.controller';
import { answerRelayFirst, relayFastPath } from './relay-fast-path';

describe('relayFastPath', () => {
  const calls: string[] = [];
  const answer = (name: string) => async (_req: Request, res: Response) => {
    calls.push(name);
    res.json({ by: name });
  };
  const controller = {
    chatCompletions: answer('chat'),
    completions: answer('completions'),
    embeddings: answer('embeddings'),
    messages: answer('messages'),
    responses: async () => {
      throw new Error('a bug');
    },
  } as unknown as RelayController;

  const ran: string[] = [];
  const app = express();
  app.use(
    relayFastPath(controller, {
      before: [
        (req, _res, next) => {
          ran.push(`first ${req.path}`);
          next();
        },
        express.json(),
        (req, _res, next) => {
          if (req.headers['x-fail'] !== undefined) return next(new Error('refused'));
          ran.push('second');
          next();
        },
      ],
      onError: (error: Error, _req, res, _next) => void res.status(418).json({ refused: error.message }),
    }),
  );
  app.use(express.json());
  // What Nest's router would answer: reached only by what the fast path leaves alone.
  app.use((req, res) => res.status(299).json({ fellThrough: `${req.method} ${req.path}` }));

  beforeEach(() => {
    calls.length = 0;
    ran.length = 0;
  });

  it.each([
    ['/v1/chat/completions', 'chat'],
    ['/v1/completions', 'completions'],
    ['/v1/embeddings', 'embeddings'],
    ['/v1/messages', 'messages'],
  ])('answers POST %s with the controller handler', async (path, name) => {
    const res = await request(app).post(path).send({ model: 'm' }).expect(200);
    expect(res.body).toEqual({ by: name });
    expect(calls).toEqual([name]);
    // Its own middlewares ran first, in order, and once.
    expect(ran).toEqual([`first ${path}`, 'second']);
  });

  it('leaves other methods and paths to the router', async () => {
    for (const [method, path] of [
      ['get', '/v1/chat/completions'],
      ['post', '/v1/models'],
      ['post', '/v1/chat/completions/'],
      ['post', '/v1/messages/count_tokens'],
      ['post', '/api/chat/completions'],
    ] as const) {
      const res = await request(app)[method](path).send({});
      expect(res.status).toBe(299);
    }
    expect(calls).toEqual([]);
    expect(ran).toEqual([]);
  });

  it("hands a middleware's error to onError, and the handler never runs", async () => {
    const res = await request(app).post('/v1/chat/completions').set('x-fail', '1').send({}).expect(418);
    expect(res.body).toEqual({ refused: 'refused' });
    expect(calls).toEqual([]);
  });

  it('names the route it answered for the request metrics', async () => {
    const named: unknown[] = [];
    const probe = express();
    probe.use((_req, res, next) => {
      res.once('finish', () => named.push(res.locals['route']));
      next();
    });
    probe.use(relayFastPath(controller));
    await request(probe).post('/v1/embeddings').send({}).expect(200);
    expect(named).toEqual(['/v1/embeddings']);
  });

  it('answers a handler that failed unexpectedly with a 500 in the OpenAI shape', async () => {
    const res = await request(app).post('/v1/responses').send({}).expect(500);
    expect(res.body.error).toMatchObject({ type: expect.any(String) });
  });

  describe('answerRelayFirst', () => {
    const seen: string[] = [];
    const viaServer = express();
    viaServer.set('trust proxy', true);
    // Express's own layers: these must not run for a request the server answered first.
    viaServer.use((req, _res, next) => {
      seen.push(`express ${req.method} ${req.path}`);
      next();
    });
    viaServer.use(express.json());
    viaServer.use((req, res) => res.status(299).json({ fellThrough: `${req.method} ${req.path}` }));
    const server = createServer(viaServer);
    const fastPath = relayFastPath(
      {
        ...controller,
        chatCompletions: async (req: Request, res: Response) => {
          // What Express gives a request: req.ip (trust proxy), req.query, res.status().json(), locals.
          res.status(201).json({ ip: req.ip, query: req.query, route: res.locals['route'] });
        },
      } as unknown as RelayController,
      { before: [express.json()] },
    );
    answerRelayFirst(server, viaServer, fastPath);

    beforeEach(() => {
      seen.length = 0;
    });

    it('answers the relay routes with what Express gives a request, without Express', async () => {
      const res = await request(server)
        .post('/v1/chat/completions?x=1')
        .set('x-forwarded-for', '203.0.113.7')
        .send({ model: 'm' })
        .expect(201);
      expect(res.body).toEqual({ ip: '203.0.113.7', query: { x: '1' }, route: '/v1/chat/completions' });
      expect(seen).toEqual([]);
    });

    it('hands every other request to Express', async () => {
      for (const [method, path] of [
        ['get', '/v1/chat/completions'],
        ['post', '/v1/models'],
        ['post', '/v1/chat/completions/'],
        ['post', '/V1/chat/completions'],
      ] as const) {
        const res = await request(server)[method](path).send({});
        expect(res.status).toBe(299);
      }
      expect(seen).toEqual([
        'express GET /v1/chat/completions',
        'express POST /v1/models',
        'express POST /v1/chat/completions/',
        'express POST /V1/chat/completions',
      ]);
    });

    it("has the server build a relay request with Express's prototypes, so none is changed per request", async () => {
      const setPrototypeOf = jest.spyOn(Object, 'setPrototypeOf');
      try {
        await request(server).post('/v1/chat/completions').send({}).expect(201);
        expect(setPrototypeOf).not.toHaveBeenCalled();
        // Express still sets its own on what it handles.
        await request(server).post('/v1/models').send({}).expect(299);
        expect(setPrototypeOf).toHaveBeenCalled();
      } finally {
        setPrototypeOf.mockRestore();
      }
    });

    it("sets Express's prototypes per request on a server that builds its requests with classes of its own", async () => {
      class OwnRequest extends IncomingMessage {}
      const ownApp = express();
      ownApp.set('trust proxy', true);
      const own = createServer({ IncomingMessage: OwnRequest }, ownApp);
      answerRelayFirst(own, ownApp, fastPath);
      const setPrototypeOf = jest.spyOn(Object, 'setPrototypeOf');
      try {
        const res = await request(own)
          .post('/v1/chat/completions')
          .set('x-forwarded-for', '203.0.113.9')
          .send({})
          .expect(201);
        expect(res.body.ip).toBe('203.0.113.9');
        expect(setPrototypeOf.mock.calls.map(([, prototype]) => prototype)).toEqual([
          ownApp.request,
          ownApp.response,
        ]);
      } finally {
        setPrototypeOf.mockRestore();
      }
    });

    it('says which route a request takes', () => {
      expect(fastPath.routeOf('POST', '/v1/messages?beta=true')?.path).toBe('/v1/messages');
      expect(fastPath.routeOf('POST', '/v1/messages/')).toBeUndefined();
      expect(fastPath.routeOf('PUT', '/v1/messages')).toBeUndefined();
      expect(fastPath.routeOf(undefined, undefined)).toBeUndefined();
    });
  });
});
