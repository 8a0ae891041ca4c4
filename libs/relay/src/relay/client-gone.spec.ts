import { EventEmitter } from 'node:events';
import { ClientGone, watchClientGone } from './client-gone';

/** One way to be told of an abort: Node's AbortController, or the relay's ClientGone. */
interface Aborter {
  signal: {
    readonly aborted: boolean;
    readonly reason: unknown;
    addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
    removeEventListener(type: 'abort', listener: () => void): void;
  };
  abort(reason?: unknown): void;
}

const aborters: [string, () => Aborter][] = [
  [
    'AbortController',
    () => {
      const controller = new AbortController();
      return { signal: controller.signal, abort: (reason?: unknown) => controller.abort(reason) };
    },
  ],
  [
    'ClientGone',
    () => {
      const gone = new ClientGone();
      return { signal: gone, abort: (reason?: unknown) => gone.abort(reason) };
    },
  ],
];

describe.each(aborters)('the abort contract the relay relies on (%s)', (_name, make) => {
  it('is not aborted and has no reason until aborted', () => {
    const { signal } = make();
    expect(signal.aborted).toBe(false);
    expect(signal.reason).toBeUndefined();
  });

  it('aborts with an AbortError by default, once: a second abort changes nothing', () => {
    const aborter = make();
    aborter.abort();
    const reason = aborter.signal.reason as Error;
    expect(aborter.signal.aborted).toBe(true);
    // (An Error in Node; Jest's sandbox has an Error of its own.)
    expect(reason).toBeInstanceOf(DOMException);
    expect(reason.name).toBe('AbortError');
    aborter.abort(new Error('later'));
    expect(aborter.signal.reason).toBe(reason);
  });

  it('keeps the reason it was given', () => {
    const aborter = make();
    const reason = new Error('client closed');
    aborter.abort(reason);
    expect(aborter.signal.reason).toBe(reason);
  });

  it('tells each listener once, in order; none removed, and one added twice only once', () => {
    const { signal, abort } = make();
    const told: string[] = [];
    const first = () => told.push('first');
    const removed = () => told.push('removed');
    const second = () => told.push('second');
    signal.addEventListener('abort', first, { once: true });
    signal.addEventListener('abort', removed);
    signal.addEventListener('abort', second);
    signal.addEventListener('abort', first);
    signal.removeEventListener('abort', removed);
    signal.removeEventListener('abort', () => told.push('never added'));
    abort();
    abort();
    expect(told).toEqual(['first', 'second']);
  });

  it('never tells a listener added after the abort', () => {
    const { signal, abort } = make();
    abort();
    const late = jest.fn();
    signal.addEventListener('abort', late);
    abort();
    expect(late).not.toHaveBeenCalled();
  });
});

describe('ClientGone', () => {
  afterEach(() => jest.restoreAllMocks());

  it('tells the other listeners when one throws, and throws its error afterwards, uncaught', () => {
    const deferred: (() => void)[] = [];
    jest.spyOn(process, 'nextTick').mockImplementation(((callback: () => void) => {
      deferred.push(callback);
    }) as typeof process.nextTick);
    const gone = new ClientGone();
    const after = jest.fn();
    gone.addEventListener('abort', () => {
      throw new Error('listener broke');
    });
    gone.addEventListener('abort', after);
    expect(() => gone.abort()).not.toThrow();
    expect(after).toHaveBeenCalledTimes(1);
    expect(deferred).toHaveLength(1);
    expect(() => deferred[0]?.()).toThrow('listener broke');
  });

  it('makes a real AbortSignal that aborts with it, whether made before or after', () => {
    const before = new ClientGone();
    const early = before.signal;
    expect(early).toBeInstanceOf(AbortSignal);
    expect(before.signal).toBe(early);
    expect(early.aborted).toBe(false);
    const reason = new Error('gone');
    before.abort(reason);
    expect(early.aborted).toBe(true);
    expect(early.reason).toBe(reason);

    const after = new ClientGone();
    after.abort(reason);
    expect(after.signal.aborted).toBe(true);
    expect(after.signal.reason).toBe(reason);
  });
});

describe('watchClientGone', () => {
  const response = (finished: boolean) =>
    Object.assign(new EventEmitter(), { writableFinished: finished }) as EventEmitter & {
      writableFinished: boolean;
    };

  it('is gone when the response closes before its answer was all written', () => {
    const res = response(false);
    const gone = watchClientGone(res);
    expect(gone.aborted).toBe(false);
    res.emit('close');
    expect(gone.aborted).toBe(true);
  });

  it('is not gone when the response closes after its answer was written', () => {
    const res = response(true);
    const gone = watchClientGone(res);
    res.emit('close');
    expect(gone.aborted).toBe(false);
  });
});
