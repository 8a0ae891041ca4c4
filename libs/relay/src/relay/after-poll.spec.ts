import { AddressInfo, connect, createServer, Socket } from 'node:net';
import { afterPoll, afterPollFirst } from './after-poll';

describe('afterPoll', () => {
  it('runs each piece of work once, in the order queued, in one go', async () => {
    const order: number[] = [];
    let immediates = 0;
    await new Promise<void>((resolve) => {
      for (let i = 0; i < 5; i++) afterPoll(() => order.push(i));
      afterPoll(resolve);
      setImmediate(() => immediates++);
    });
    expect(order).toEqual([0, 1, 2, 3, 4]);
    // Queued before the test's own immediate, and all of it ran before that one.
    expect(immediates).toBe(0);
  });

  it('runs work queued with afterPollFirst, and what it resumes, ahead of what afterPoll queued', async () => {
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      afterPoll(() => order.push('wake 0'));
      afterPollFirst(() => order.push('start 0'));
      afterPoll(() => order.push('wake 1'));
      afterPollFirst(() => {
        order.push('start 1');
        // A promise this resolves: its callback runs before the wakes too (a lane's turn).
        void Promise.resolve().then(() => order.push('resumed'));
        // Queued while the first list runs: the next start after the next poll.
        afterPollFirst(() => {
          order.push('next start');
          resolve();
        });
        afterPoll(() => order.push('wake 2'));
      });
    });
    expect(order).toEqual(['start 0', 'start 1', 'resumed', 'wake 0', 'wake 1', 'wake 2', 'next start']);
  });

  it('runs work queued while the wakes run after the next poll, first list first', async () => {
    const order: string[] = [];
    let immediates = 0;
    await new Promise<void>((resolve) => {
      afterPoll(() => {
        order.push('wake');
        setImmediate(() => immediates++);
        afterPoll(() => {
          order.push('next wake');
          resolve();
        });
        afterPollFirst(() => order.push('next start'));
      });
    });
    expect(order).toEqual(['wake', 'next start', 'next wake']);
    // Both ran in the iteration after the wake's: after the immediate the wake queued.
    expect(immediates).toBe(1);
  });

  it('lets what else the poll found run first: work queued by one socket waits for the other', async () => {
    const server = createServer();
    const peers: Socket[] = [];
    const bothAccepted = new Promise<void>((resolve) =>
      server.on('connection', (socket) => {
        peers.push(socket);
        if (peers.length === 2) resolve();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const clients = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
    await bothAccepted;
    try {
      const log: string[] = [];
      const done = new Promise<void>((resolve) => {
        let queued = false;
        const onData = (): void => {
          log.push('data');
          if (queued) return;
          queued = true;
          // As a stream's read does: what it writes waits for the rest of the poll.
          afterPoll(() => {
            log.push('queued');
            resolve();
          });
        };
        for (const peer of peers) peer.on('data', onData);
      });
      // Both sockets readable before the loop polls again: one poll finds both.
      for (const client of clients) client.write('x');
      const until = Date.now() + 20;
      while (Date.now() < until) {
        // Busy: the loop does not poll until both writes have landed.
      }
      await done;
      expect(log).toEqual(['data', 'data', 'queued']);
    } finally {
      for (const client of clients) client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
