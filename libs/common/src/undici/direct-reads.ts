// Upstream connections whose reads reach undici's parser without Node's Readable in between
// (issue #16). undici reads a connection in paused mode: each network read is pushed into the
// socket's Readable, which schedules two `process.nextTick`s (its 'readable' event and a "read
// more"), and undici then takes the bytes back out with `socket.read()`. At 1,000 concurrent streams
// that was about a fifth of the api's instructions (`npm run bench:instructions`, callgrind), most
// of it Node 20 building each tick's record through V8's runtime.
//
// Node's own `onread` option hands a socket's reads to a callback instead of the Readable: the bytes
// land in one buffer shared by every upstream connection (reads run one at a time on the main
// thread, and each is copied out before the next), and the callback offers a copy to the reader at
// once, as the 'readable' event it listens to, with `socket.read()` giving it back. What the reader
// does not take (its parser paused for backpressure, or nobody listening yet), and every read after
// it until the Readable's buffer is empty again, goes into the Readable as Node would have put it,
// and the socket stops reading until the reader asks for more: the order of the bytes and
// backpressure are Node's. The end of the stream, errors, timeouts and closing are Node's unchanged.
import { Socket } from 'node:net';
import type * as Undici from 'undici';

const buildConnector = require('undici/lib/core/connect') as typeof Undici.buildConnector;

/** One read fills at most this much (libuv asks for as much for a read of its own). */
const READ_BUFFER_BYTES = 64 * 1024;
const shared = Buffer.allocUnsafe(READ_BUFFER_BYTES);

/** The read offered to the reader and not taken yet. */
const offered = Symbol('offered read');

interface DirectSocket extends Socket {
  [offered]: Buffer | null;
}

const nodeRead = Socket.prototype.read;

/** `socket.read()` of a direct socket: the read on offer first, else the Readable's. */
function read(this: DirectSocket, size?: number): Buffer | string | null {
  const chunk = this[offered];
  if (chunk !== null && size === undefined) {
    this[offered] = null;
    return chunk;
  }
  return nodeRead.call(this, size) as Buffer | string | null;
}

/** Node's onread callback: false stops the socket reading until the next `read()`. */
function onRead(this: DirectSocket, bytes: number, buffer: Buffer): boolean {
  const chunk = Buffer.allocUnsafe(bytes);
  buffer.copy(chunk, 0, 0, bytes);
  // Bytes already in the Readable come first: this read queues behind them.
  if (this.readableLength > 0 || this.listenerCount('readable') === 0) return this.push(chunk);
  this[offered] = chunk;
  this.emit('readable');
  if (this[offered] !== null) {
    // Not taken: the reader is paused. It reads the Readable when it goes on.
    this[offered] = null;
    this.push(chunk);
    return false;
  }
  // Taken, and what its parser did not consume was put back (undici's `unshift` when it pauses).
  return this.readableLength === 0;
}

/**
 * undici's connector (`buildConnector`, the one an Agent builds from its `connect` options) with
 * Node's `onread` on every connection it makes: HTTP/1.1 over TCP or TLS. Not for HTTP/2 (`allowH2`),
 * whose session reads the socket itself.
 */
export function directReadConnector(
  options: Undici.buildConnector.BuildOptions,
): Undici.buildConnector.connector {
  if (options.allowH2 === true) throw new Error('directReadConnector: HTTP/2 reads its socket itself');
  const connect = buildConnector({
    ...options,
    onread: { buffer: shared, callback: onRead },
  } as Undici.buildConnector.BuildOptions);
  return (connectOptions, callback) =>
    connect(connectOptions, (error, socket) => {
      if (socket !== null) {
        const direct = socket as unknown as DirectSocket;
        direct[offered] = null;
        direct.read = read;
      }
      // undici's callback type is a union of (error, null) and (null, socket).
      (callback as (error: Error | null, socket: unknown) => void)(error, socket);
    });
}
