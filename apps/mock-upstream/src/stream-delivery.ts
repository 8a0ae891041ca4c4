import { once } from 'node:events';
import { sleep } from './abortable-sleep';
import { dropConnection, type Exchange } from './exchange';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
};

/**
 * Sends `steps` as server-sent events: nothing (not even the headers) before `ttft` (default:
 * `latency`), so time-to-first-byte is time-to-first-token; then `chunkDelay` between steps;
 * then `data: [DONE]`. With `drop=N` the connection is cut right after the Nth chunk instead.
 * A slow reader pauses the generation (backpressure) rather than growing a buffer.
 */
export async function deliverStream(exchange: Exchange, steps: Iterable<object[]>): Promise<void> {
  const { res, behaviour, signal } = exchange;
  await sleep(behaviour.ttft ?? behaviour.latency, signal);
  if (behaviour.drop === 0) {
    dropConnection(exchange);
    return;
  }
  exchange.record.status = 200;
  res.writeHead(200, SSE_HEADERS);
  let first = true;
  for (const step of steps) {
    if (!first) await sleep(behaviour.chunkDelay, signal);
    first = false;
    if (!(await writeStep(exchange, step))) return;
  }
  if (behaviour.drop !== undefined) {
    dropConnection(exchange); // asked to drop after more chunks than there are: cut before [DONE]
    return;
  }
  res.end('data: [DONE]\n\n');
}

/** Writes one step; false when `drop` cut the connection within it. */
async function writeStep(exchange: Exchange, chunks: readonly object[]): Promise<boolean> {
  const { record, behaviour } = exchange;
  let payload = '';
  for (const chunk of chunks) {
    payload += `data: ${JSON.stringify(chunk)}\n\n`;
    record.chunksSent++;
    if (record.chunksSent === behaviour.drop) {
      await flush(exchange, payload);
      dropConnection(exchange);
      return false;
    }
  }
  if (behaviour.drop !== undefined) {
    await flush(exchange, payload); // a drop may follow this step: its data must be on the wire first
  } else if (!exchange.res.write(payload)) {
    await once(exchange.res, 'drain', { signal: exchange.signal });
  }
  return true;
}

/** Writes and waits until the data reached the socket, so a drop right after still delivers it. */
function flush(exchange: Exchange, payload: string): Promise<void> {
  return new Promise((resolve) => {
    exchange.res.write(payload, () => resolve());
    exchange.signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
