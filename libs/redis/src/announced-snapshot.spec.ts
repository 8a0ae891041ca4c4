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
