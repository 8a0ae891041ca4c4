import { AddressInfo, connect, createServer, Socket } from 'node:net';
import { IterationLane } from './iteration-lane';

/** Resolves after `n` event-loop iterations (each setImmediate queued in a check phase runs in the next). */
async function iterations(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('IterationLane', () => {
  it('hands out every turn, first come first served', async () => {
    const lane = new IterationLane({ turnsPerIteration: 2, backlogShare: 1 / 8 });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 50 }, (_, i) => lane.turn().then(() => order.push(i))));
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(lane.backlog).toBe(0);
  });

  it('gives a few turns per iteration and lets I/O that arrives meanwhile run between them', async () => {
    const server = createServer();
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    const peer = await accepted;
    try {
      const lane = new IterationLane({ turnsPerIteration: 2, backlogShare: 0 });
      const log: string[] = [];
      peer.on('data', () => log.push('io'));
      const turns = Array.from({ length: 6 }, (_, i) =>
        lane.turn().then(() => {
          log.push(`turn ${i}`);
          // A request arriving while bookkeeping waits: the loop reads it before the later turns.
          if (i === 0) client.write('x');
        }),
      );
      await Promise.all(turns);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(log.filter((entry) => entry.startsWith('turn'))).toEqual(
        [0, 1, 2, 3, 4, 5].map((i) => `turn ${i}`),
      );
      expect(log.indexOf('io')).toBeGreaterThan(log.indexOf('turn 1'));
      expect(log.indexOf('io')).toBeLessThan(log.indexOf('turn 5'));
    } finally {
      client.destroy();
      peer.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("never answers a turn synchronously or among its caller's microtasks", async () => {
    const lane = new IterationLane();
    let turned = false;
    void lane.turn().then(() => (turned = true));
    await Promise.resolve();
    expect(turned).toBe(false);
    await iterations(2);
    expect(turned).toBe(true);
  });

  it('drains a large backlog in a bounded number of iterations', async () => {
    const lane = new IterationLane({ turnsPerIteration: 2, backlogShare: 1 / 8 });
    let done = 0;
    const all = Array.from({ length: 10_000 }, () => lane.turn().then(() => done++));
    let spins = 0;
    while (done < 10_000) {
      await iterations(1);
      spins++;
    }
    await Promise.all(all);
    // A share of the backlog per iteration: ~8·ln(10,000/16) ≈ 52, then a few more at two a turn.
    expect(spins).toBeLessThan(80);
    expect(lane.backlog).toBe(0);
    // And it is ready for the next wave.
    await lane.turn();
  });

  it('keeps its queue bounded under load that never lets it empty', async () => {
    const lane = new IterationLane({ turnsPerIteration: 2, backlogShare: 1 / 8 });
    const queue = () => (lane as unknown as { waiting: unknown[] }).waiting.length;
    const turns: Promise<void>[] = [];
    let largest = 0;
    // Ten new turns every iteration for 2,000 iterations: more than two a turn, so it never empties.
    for (let i = 0; i < 2_000; i++) {
      for (let j = 0; j < 10; j++) turns.push(lane.turn());
      await iterations(1);
      largest = Math.max(largest, queue());
    }
    expect(lane.backlog).toBeGreaterThan(0);
    // What waits stays near what ten a turn leave behind (~80), not the 20,000 asked for.
    expect(largest).toBeLessThan(1_500);
    await Promise.all(turns);
    expect(lane.backlog).toBe(0);
  });

  describe('with maxWaitIterations', () => {
    /** The iteration (1 = the first turn-out) at which each of `count` turns queued now goes. */
    async function turnOuts(lane: IterationLane, count: number) {
      const at: number[] = [];
      let iteration = 0;
      const all = Array.from({ length: count }, (_, i) => lane.turn().then(() => (at[i] = iteration)));
      while (at.filter((v) => v !== undefined).length < count) {
        iteration++;
        await iterations(1);
      }
      await Promise.all(all);
      return at;
    }

    it('lets a turn wait through at most that many turn-outs, whatever the share', async () => {
      const lane = new IterationLane({ turnsPerIteration: 1, backlogShare: 0, maxWaitIterations: 1 });
      const at = await turnOuts(lane, 10);
      // One at the first turn-out; everyone else was already waiting then, so all go at the next.
      expect(at).toEqual([1, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
      expect(lane.backlog).toBe(0);
    });

    it('counts the wait from when each turn was asked for, also under load that never lets it empty', async () => {
      const lane = new IterationLane({ turnsPerIteration: 1, backlogShare: 0, maxWaitIterations: 2 });
      const queue = () => (lane as unknown as { waiting: unknown[] }).waiting.length;
      const clock = { iteration: 0 };
      const asked: number[] = [];
      const went: number[] = [];
      const all: Promise<void>[] = [];
      const wentOut = (id: number) => () => void (went[id] = clock.iteration);
      let largest = 0;
      for (; clock.iteration < 2_000; clock.iteration++) {
        // Five new turns every iteration: more than one a turn-out, so only the bound keeps up.
        for (let j = 0; j < 5; j++) {
          all.push(lane.turn().then(wentOut(asked.length)));
          asked.push(clock.iteration);
        }
        await iterations(1);
        largest = Math.max(largest, queue());
      }
      await Promise.all(all);
      const waits = asked.map((from, id) => (went[id] as number) - from);
      // The lane's turn-out runs in the same check phase as, and before, this loop's own step: a turn
      // asked for in step n goes out in step n at the earliest (the next iteration) and n + 2 at the
      // latest (having waited through two turn-outs).
      expect(Math.min(...waits)).toBe(0);
      expect(Math.max(...waits)).toBe(2);
      // Once the first two steps are through (and until the last, which nothing follows), each
      // turn-out sends exactly what waited through two: none early (a miscounted queue would send
      // more), none late.
      expect(waits.slice(10, -5).every((wait) => wait === 2)).toBe(true);
      // First come, first served.
      expect(went).toEqual([...went].sort((a, b) => a - b));
      // Its queue was copied down now and then (10,000 turns went through it), not left to grow.
      expect(largest).toBeLessThan(1_100);
    });

    it('refuses a bound below one turn-out', () => {
      expect(() => new IterationLane({ maxWaitIterations: 0 })).toThrow(RangeError);
    });
  });
});
