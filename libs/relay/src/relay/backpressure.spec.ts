import { Writable } from 'node:stream';
import { drained, writeNow, writeWithBackpressure } from './backpressure';

/** A writable that accepts one chunk at a time and holds it until `release()` is called. */
function slowSink(): { sink: Writable; release(): void; received: number } {
  let pending: (() => void) | null = null;
  const state = {
    received: 0,
    sink: new Writable({
      highWaterMark: 4,
      write(_chunk, _encoding, callback) {
        state.received++;
        pending = callback;
      },
    }),
    release() {
      const callback = pending;
      pending = null;
      callback?.();
    },
  };
  return state;
}

describe('writeWithBackpressure', () => {
  const chunk = new Uint8Array(16);

  it('waits while the client is not reading, and goes on once it drains', async () => {
    const slow = slowSink();
    let done = false;
    // 16 bytes over a 4-byte high-water mark: the socket buffer is "full" until the sink takes it.
    const writing = writeWithBackpressure(slow.sink, chunk).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    expect(slow.received).toBe(1);
    slow.release();
    await writing;
    expect(done).toBe(true);
  });

  it('does not wait forever for a client that went away', async () => {
    const slow = slowSink();
    const writing = writeWithBackpressure(slow.sink, chunk);
    slow.sink.destroy();
    await expect(writing).resolves.toBeUndefined();
    await expect(writeWithBackpressure(slow.sink, chunk)).resolves.toBeUndefined();
  });
});

describe('writeNow and drained', () => {
  it('says when the buffer is full, and drained waits for the client to take it', async () => {
    const slow = slowSink();
    expect(writeNow(slow.sink, new Uint8Array(2))).toBe(true);
    expect(writeNow(slow.sink, new Uint8Array(16))).toBe(false);
    let done = false;
    const waiting = drained(slow.sink).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    slow.release();
    slow.release();
    await waiting;
    expect(done).toBe(true);
  });

  it('writes nothing once the response is over, and never waits for it', async () => {
    const slow = slowSink();
    slow.sink.end();
    expect(writeNow(slow.sink, new Uint8Array(16))).toBe(true);
    await expect(drained(slow.sink)).resolves.toBeUndefined();
  });
});

describe('writeWithBackpressure with an idle bound', () => {
  it('cuts off a client that takes nothing for the idle time', async () => {
    let callback: (() => void) | null = null;
    const sink = new Writable({
      highWaterMark: 4,
      write(_chunk, _encoding, cb) {
        callback = cb;
      },
    });
    const started = Date.now();
    await writeWithBackpressure(sink, new Uint8Array(16), 150);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(sink.destroyed).toBe(true);
    expect(callback).not.toBeNull();
  });

  it('leaves a client that reads within the idle time alone', async () => {
    let callback: (() => void) | null = null;
    const sink = new Writable({
      highWaterMark: 4,
      write(_chunk, _encoding, cb) {
        callback = cb;
      },
    });
    const writing = writeWithBackpressure(sink, new Uint8Array(16), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    (callback as unknown as () => void)();
    await writing;
    expect(sink.destroyed).toBe(false);
  });
});
