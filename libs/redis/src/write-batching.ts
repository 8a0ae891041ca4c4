// The shared client's commands leave in one write per tick, and at once (issue #16). ioredis's
// auto-pipelining batched them too, but it sends a tick's batch from a setImmediate, which from the
// relay's lanes (themselves immediates) is the next event-loop iteration, and it keeps one batch in
// flight per connection: a command issued while a batch awaits its replies waits for them before it
// is even written. Under load that put a relayed request's admission behind other requests' round
// trips (4-5 ms of waiting at 64 clients on a 50 ms upstream). Here the socket is corked at a
// tick's first write and uncorked on process.nextTick, which runs before the loop moves on: the
// commands a burst of promise continuations issues go out together, and every command goes out in
// the iteration that issued it, pipelined behind those already on the wire.
import type { Writable } from 'node:stream';
import { Cluster, type Redis } from 'ioredis';

const batched = new WeakSet<Writable>();

/** Batches the writes of `client` (every node's, for a cluster) per tick, on every connection it opens. */
export function batchWritesPerTick(client: Redis | Cluster): void {
  if (client instanceof Cluster) {
    client.on('+node', (node: Redis) => batchWritesPerTick(node));
    return;
  }
  // ioredis opens a new socket on each (re)connect and writes the handshake right after 'connect'.
  const hook = () => {
    if (client.stream !== undefined) corkPerTick(client.stream);
  };
  client.on('connect', hook);
  hook();
}

function corkPerTick(socket: Writable): void {
  if (batched.has(socket)) return;
  batched.add(socket);
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: Writable, ...args: Parameters<Writable['write']>): boolean {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Writable['write'];
}
