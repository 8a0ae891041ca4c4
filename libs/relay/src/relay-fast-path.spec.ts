import express, { type Request, type Response } from 'express';
import request from 'supertest';
import type { RelayController } from './relay.controller';
import { relayFastPath } from './relay-fast-path';

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

  const app = express();
  app.use(express.json());
  app.use('/v1', relayFastPath(controller));
  // What Nest's router would answer: reached only by what the fast path leaves alone.
  app.use((req, res) => res.status(299).json({ fellThrough: `${req.method} ${req.path}` }));

  beforeEach(() => (calls.length = 0));

  it.each([
    ['/v1/chat/completions', 'chat'],
    ['/v1/completions', 'completions'],
    ['/v1/embeddings', 'embeddings'],
    ['/v1/messages', 'messages'],
  ])('answers POST %s with the controller handler', async (path, name) => {
    const res = await request(app).post(path).send({ model: 'm' }).expect(200);
    expect(res.body).toEqual({ by: name });
    expect(calls).toEqual([name]);
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
  });

  it('answers a handler that failed unexpectedly with a 500 in the OpenAI shape', async () => {
    const res = await request(app).post('/v1/responses').send({}).expect(500);
    expect(res.body.error).toMatchObject({ type: expect.any(String) });
  });
});
