import { AnnouncedSnapshot } from './announced-snapshot';
import type { ChangeFeed } from './change-feed';

function feed() {
  const listeners: (() => void)[] = [];
  const changes = {
    listening: true,
    subscribe: (_topic: string, listener: () => void) => {
      listeners.push(listener);
      return () => undefined;
    },
  } as unknown as ChangeFeed;
  return { changes, announce: () => listeners.forEach((listener) => listener()) };
}

describe('AnnouncedSnapshot', () => {
  const down = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));

  it('reloads when a change is announced', async () => {
    const { changes, announce } = feed();
    let version = 0;
    const snapshot = new AnnouncedSnapshot(changes, 'topic', 60_000, async () => ++version);
    try {
      expect(await snapshot.current()).toBe(1);
      expect(await snapshot.current()).toBe(1);
      announce();
      expect(await snapshot.current()).toBe(2);
    } finally {
      snapshot.close();
    }
  });

  it('makes the requests that arrive during a reload for a change wait for it', async () => {
    const { changes, announce } = feed();
    let release: (value: number) => void = () => undefined;
    const load = jest.fn(async () => 1);
    const snapshot = new AnnouncedSnapshot(changes, 'topic', 60_000, load);
    try {
      expect(await snapshot.current()).toBe(1);
      load.mockImplementation(() => new Promise<number>((resolve) => (release = resolve)));
      announce();
      const first = snapshot.current();
      const second = snapshot.current();
      release(2);
      expect([await first, await second]).toEqual([2, 2]);
      expect(load).toHaveBeenCalledTimes(2);
    } finally {
      snapshot.close();
    }
  });

  it('keeps serving the last snapshot while a reload fails, asks again a second later, and recovers', async () => {
    const { changes, announce } = feed();
    const load = jest.fn(async () => 'first');
    const snapshot = new AnnouncedSnapshot(changes, 'topic', 60_000, load);
    const clock = jest.spyOn(Date, 'now');
    try {
      clock.mockReturnValue(1_000_000);
      expect(await snapshot.current()).toBe('first');
      load.mockImplementation(down);
      announce();
      expect(await snapshot.current()).toBe('first');
      expect(await snapshot.current()).toBe('first');
      expect(load).toHaveBeenCalledTimes(2);
      clock.mockReturnValue(1_001_001);
      load.mockImplementation(async () => 'second');
      expect(await snapshot.current()).toBe('second');
    } finally {
      clock.mockRestore();
      snapshot.close();
    }
  });

  it('reloads on its safety-net timer beside the requests, which keep the snapshot in hand meanwhile', async () => {
    const { changes, announce } = feed();
    jest.useFakeTimers();
    let release: (value: number) => void = () => undefined;
    const load = jest.fn(async () => 1);
    const snapshot = new AnnouncedSnapshot(changes, 'topic', 60_000, load);
    try {
      expect(await snapshot.current()).toBe(1);
      load.mockImplementation(() => new Promise<number>((resolve) => (release = resolve)));
      jest.advanceTimersByTime(60_000);
      // Due, nothing announced: answered at once from the snapshot in hand, one reload started.
      expect(await snapshot.current()).toBe(1);
      expect(await snapshot.current()).toBe(1);
      expect(load).toHaveBeenCalledTimes(2);
      release(2);
      await Promise.resolve();
      expect(await snapshot.current()).toBe(2);
      expect(load).toHaveBeenCalledTimes(2);
      // An announced change is still waited for.
      load.mockImplementation(async () => 3);
      announce();
      expect(await snapshot.current()).toBe(3);
    } finally {
      jest.useRealTimers();
      snapshot.close();
    }
  });

  it('keeps answering at once while the safety net’s reloads fail, trying again a second later', async () => {
    const { changes } = feed();
    jest.useFakeTimers();
    const load = jest.fn(async () => 'first');
    const snapshot = new AnnouncedSnapshot(changes, 'topic', 60_000, load);
    try {
      expect(await snapshot.current()).toBe('first');
      let attempts = 0;
      load.mockImplementation(() => {
        attempts++;
        return down();
      });
      jest.advanceTimersByTime(60_000);
      expect(await snapshot.current()).toBe('first');
      await Promise.resolve();
      expect(await snapshot.current()).toBe('first');
      expect(attempts).toBe(1);
      jest.advanceTimersByTime(1_001);
      expect(await snapshot.current()).toBe('first');
      expect(attempts).toBe(2);
      load.mockImplementation(async () => 'second');
      jest.advanceTimersByTime(1_001);
      expect(await snapshot.current()).toBe('first');
      await Promise.resolve();
      expect(await snapshot.current()).toBe('second');
    } finally {
      jest.useRealTimers();
      snapshot.close();
    }
  });

  it('fails when there is no snapshot to fall back on', async () => {
    const { changes } = feed();
    const snapshot = new AnnouncedSnapshot(changes, 'topic', 60_000, down);
    try {
      await expect(snapshot.current()).rejects.toThrow('ECONNREFUSED');
    } finally {
      snapshot.close();
    }
  });
});
