import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { type AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directReadConnector } from './direct-reads';
import { Agent, exchange, type Exchange } from './undici-core';

/** Byte i of a body seeded `seed`: every byte's place shows in its value. */
function patterned(seed: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return bytes;
}

/** Writes `body` in pieces of 1 to 40,000 bytes (a pseudo-random walk), waiting for drain. */
async function writeInPieces(res: ServerResponse, body: Buffer): Promise<void> {
  let at = 0;
  let step = 7;
  while (at < body.length) {
    step = (step * 1103515245 + 12345) & 0x7fffffff;
    const size = 1 + (step % 40_000);
    const piece = body.subarray(at, at + size);
    at += piece.length;
    if (!res.write(piece)) await new Promise((resolve) => res.once('drain', resolve));
    // Some pieces leave on their own, so the client sees reads of many sizes.
    if (step % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  res.end();
}

/** An answer's body, read a chunk at a time, each followed by `everyChunk` (a turn of the event loop). */
async function readSlowly(
  answer: Exchange,
  everyChunk = () => new Promise((r) => setImmediate(r)),
): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const chunk of answer.body) {
    pieces.push(Buffer.from(chunk));
    await everyChunk();
  }
  return Buffer.concat(pieces);
}

/**
 * The client sockets to `origin` (not the server's), with the chunks Node's Readable was given on
 * each (push).
 */
function watchSockets(origin: string): {
  sockets: Socket[];
  pushed: Map<Socket, number>;
  restore: () => void;
} {
  const port = Number(new URL(origin).port);
  const sockets: Socket[] = [];
  const pushed = new Map<Socket, number>();
  const push = Socket.prototype.push;
  Socket.prototype.push = function (this: Socket, chunk: unknown, encoding?: BufferEncoding) {
    if (this.remotePort === port) {
      if (chunk !== null) pushed.set(this, (pushed.get(this) ?? 0) + 1);
      if (!sockets.includes(this)) sockets.push(this);
    }
    return push.call(this, chunk, encoding);
  };
  return { sockets, pushed, restore: () => (Socket.prototype.push = push) };
}

describe('directReadConnector (upstream reads without Node’s Readable in between)', () => {
  const bodies = new Map<string, Buffer>();
  let server: Server;
  let origin: string;
  let connections = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const body = bodies.get(req.url ?? '');
      if (body === undefined) {
        res.writeHead(404).end();
        return;
      }
      if (req.url?.startsWith('/broken')) {
        // Half the body, then the connection goes away.
        res.writeHead(200, { 'content-length': String(body.length) });
        res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      void writeInPieces(res, body);
    });
  };

  beforeAll(async () => {
    for (let seed = 0; seed < 24; seed++) bodies.set(`/body/${seed}`, patterned(seed, 50_000 + seed * 9_000));
    bodies.set('/large', patterned(99, 3 * 1024 * 1024));
    bodies.set('/huge', patterned(98, 16 * 1024 * 1024));
    bodies.set('/broken', patterned(5, 200_000));
    server = createServer(handler);
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const call = (agent: InstanceType<typeof Agent>, url: string) =>
    exchange(url, {
      method: 'POST',
      headers: {},
      body: '',
      dispatcher: agent,
      signal: new AbortController().signal,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });

  it('gives a large body whole and in order', async () => {
    const agent = new Agent({ connect: directReadConnector({ timeout: 5_000 }) });
    try {
      const answer = await call(agent, `${origin}/large`);
      expect(answer.statusCode).toBe(200);
      const got = await readSlowly(answer, async () => undefined);
      expect(got.equals(bodies.get('/large') as Buffer)).toBe(true);
    } finally {
      await agent.close();
    }
  });

  it('a reader that keeps up leaves Node’s Readable out entirely (each read is offered, not pushed)', async () => {
    const agent = new Agent({ connect: directReadConnector({ timeout: 5_000 }) });
    const plain = new Agent();
    const watch = watchSockets(origin);
    try {
      // The same body through undici's own connector: its reads are pushed into the Readable.
      await readSlowly(await call(plain, `${origin}/body/3`), async () => undefined);
      const pushedPlain = [...watch.pushed.values()].reduce((a, b) => a + b, 0);
      expect(pushedPlain).toBeGreaterThan(0);
      watch.pushed.clear();
      const got = await readSlowly(await call(agent, `${origin}/body/3`), async () => undefined);
      expect(got.equals(bodies.get('/body/3') as Buffer)).toBe(true);
      expect([...watch.pushed.values()].reduce((a, b) => a + b, 0)).toBe(0);
    } finally {
      watch.restore();
      await agent.close();
      await plain.close();
    }
  });

  it('under backpressure (a reader slower than the server, 16 MiB) the bytes stay whole and in order, and the connection stops reading', async () => {
    const agent = new Agent({ connect: directReadConnector({ timeout: 5_000 }) });
    const watch = watchSockets(origin);
    let mostHeld = 0;
    try {
      const answer = await call(agent, `${origin}/huge`);
      const got = await readSlowly(answer, async () => {
        for (const socket of watch.sockets) mostHeld = Math.max(mostHeld, socket.readableLength);
        await new Promise((resolve) => setTimeout(resolve, 1));
      });
      expect(got.equals(bodies.get('/huge') as Buffer)).toBe(true);
      // The reader fell behind (its reads went into the Readable), and the Readable never held more
      // than its high-water mark and a read: the connection stopped reading meanwhile.
      expect(watch.sockets.length).toBeGreaterThan(0);
      expect(mostHeld).toBeLessThanOrEqual(2 * 64 * 1024);
    } finally {
      watch.restore();
      await agent.close();
    }
  });

  it('24 bodies at once over 24 connections, read a turn late each: no read sees another’s bytes', async () => {
    const agent = new Agent({ connect: directReadConnector({ timeout: 5_000 }), connections: 24 });
    try {
      const answers = await Promise.all(
        [...Array(24).keys()].map(async (seed) => readSlowly(await call(agent, `${origin}/body/${seed}`))),
      );
      answers.forEach((got, seed) => expect(got.equals(bodies.get(`/body/${seed}`) as Buffer)).toBe(true));
    } finally {
      await agent.close();
    }
  });

  it('keeps a connection alive across requests, each answer whole', async () => {
    const agent = new Agent({ connect: directReadConnector({ timeout: 5_000 }), connections: 1 });
    const before = connections;
    try {
      for (const seed of [1, 2, 3]) {
        const got = await readSlowly(await call(agent, `${origin}/body/${seed}`));
        expect(got.equals(bodies.get(`/body/${seed}`) as Buffer)).toBe(true);
      }
      expect(connections - before).toBe(1);
    } finally {
      await agent.close();
    }
  });

  it.each([
    ['direct', () => directReadConnector({ timeout: 5_000 })],
    ['plain', () => ({ timeout: 5_000 })],
  ])(
    'a connection lost in the middle of a body is an error for its reader, not a hang (%s)',
    async (_name, connect) => {
      const agent = new Agent({ connect: connect() });
      try {
        const answer = await call(agent, `${origin}/broken`);
        await expect(readSlowly(answer)).rejects.toThrow();
      } finally {
        await agent.close();
      }
    },
  );

  it('refuses HTTP/2, whose session reads the socket itself', () => {
    expect(() => directReadConnector({ allowH2: true })).toThrow(/HTTP\/2/);
  });

  describe('over TLS', () => {
    let dir: string;
    let tls: Server;
    let tlsOrigin: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'direct-reads-'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      tls = createTlsServer(
        { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
        handler,
      );
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
      tlsOrigin = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise((resolve) => tls.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    });

    it('gives bodies whole and in order, fast and slow readers alike, over one kept-alive connection', async () => {
      const agent = new Agent({
        connect: directReadConnector({ timeout: 5_000, ca: readFileSync(join(dir, 'cert.pem')) }),
        connections: 1,
      });
      const watch = watchSockets(tlsOrigin);
      try {
        const fast = await readSlowly(await call(agent, `${tlsOrigin}/body/7`), async () => undefined);
        expect(fast.equals(bodies.get('/body/7') as Buffer)).toBe(true);
        expect([...watch.pushed.values()].reduce((a, b) => a + b, 0)).toBe(0);
        const slow = await readSlowly(
          await call(agent, `${tlsOrigin}/large`),
          () => new Promise((r) => setTimeout(r, 1)),
        );
        expect(slow.equals(bodies.get('/large') as Buffer)).toBe(true);
      } finally {
        watch.restore();
        await agent.close();
      }
    });
  });
});
