import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { storage } from 'nestjs-pino/storage';
import { logContextWhileBusy } from './log-context';

describe('logContextWhileBusy', () => {
  const als = new AsyncLocalStorage<{ id: string }>();
  const disable = jest.spyOn(als, 'disable');
  /** Requests wait here until the test lets them answer. */
  const gates = new Map<string, () => void>();
  const seen: string[] = [];
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use(logContextWhileBusy(als));
    // As nestjs-pino's middleware does: the rest of the request runs inside the store.
    app.use((req, _res, next) => als.run({ id: String(req.query['id']) }, next));
    app.get('/', async (req, res) => {
      const id = String(req.query['id']);
      await new Promise<void>((resolve) => gates.set(id, resolve));
      // After an await, as a service's log line would be.
      seen.push(`${id} sees ${als.getStore()?.id ?? 'nothing'}`);
      res.json({ id });
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const waitForGate = async (id: string) => {
    while (!gates.has(id)) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it('keeps the context while any request is in flight, and disables it once none is', async () => {
    const first = fetch(`${base}/?id=a`);
    const second = fetch(`${base}/?id=b`);
    await Promise.all([waitForGate('a'), waitForGate('b')]);
    gates.get('b')?.();
    expect((await second).status).toBe(200);
    // b is done, a is not: its context must still be there.
    expect(disable).not.toHaveBeenCalled();
    gates.get('a')?.();
    expect((await first).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['b sees b', 'a sees a']);
    expect(disable).toHaveBeenCalledTimes(1);
  });

  it('gives the next request its context again', async () => {
    gates.clear();
    const third = fetch(`${base}/?id=c`);
    await waitForGate('c');
    gates.get('c')?.();
    expect((await third).status).toBe(200);
    expect(seen.at(-1)).toBe('c sees c');
  });

  it('counts a response that closes without finishing (the client went away)', async () => {
    disable.mockClear();
    gates.clear();
    const gone = new AbortController();
    const aborted = fetch(`${base}/?id=d`, { signal: gone.signal }).catch(() => 'aborted');
    await waitForGate('d');
    gone.abort();
    expect(await aborted).toBe('aborted');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(disable).toHaveBeenCalledTimes(1);
    gates.get('d')?.();
  });

  it("uses nestjs-pino's own store by default", () => {
    const spy = jest.spyOn(storage, 'disable');
    try {
      const middleware = logContextWhileBusy();
      const res = new EventEmitter();
      middleware({} as never, res as never, () => undefined);
      res.emit('close');
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});
