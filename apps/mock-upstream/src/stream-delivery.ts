import { once } from 'node:events';
import { sleep } from './abortable-sleep';
import { dropConnection, type Exchange } from './exchange';
import type { StreamFraming } from './wire-format';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
};

/**
 * Sends `steps` as server-sent events framed by `framing`: nothing (not even the headers) before
 * `ttft` (default: `latency`), so time-to-first-byte is time-to-first-token; then `chunkDelay`
 * between steps; then the format's terminator (OpenAI's `data: [DONE]`). With `drop=N` the
 * connection is cut right after the Nth chunk instead; with `streamError=N` the Nth chunk is
 * followed by the format's error event and the end of the response.
 * A slow reader pauses the generation (backpressure) rather than growing a buffer.
 */
export async function deliverStream(
  exchange: Exchange,
  steps: Iterable<object[]>,
  framing: StreamFraming,
): Promise<void> {
  const { res, behaviour, signal } = exchange;
  await sleep(behaviour.ttft ?? behaviour.latency, signal);
  if (behaviour.drop === 0) {
    dropConnection(exchange);
    return;
  }
  exchange.record.status = 200;
  res.writeHead(200, SSE_HEADERS);
  if (behaviour.streamError === 0) {
    res.end(framing.frame(framing.errorChunk()));
    return;
  }
  let first = true;
  for (const step of steps) {
    if (!first) await sleep(behaviour.chunkDelay, signal);
    first = false;
    if (!(await writeStep(exchange, step, framing))) return;
  }
  if (behaviour.drop !== undefined) {
    dropConnection(exchange); // asked to drop after more chunks than there are: cut before the end
    return;
  }
  if (behaviour.streamError !== undefined) {
    res.end(framing.frame(framing.errorChunk())); // more chunks asked for than there are: error at the end
    return;
  }
  res.end(framing.terminator ?? '');
}

/** Writes one step; false when `drop` or `streamError` ended the response within it. */
async function writeStep(
  exchange: Exchange,
  chunks: readonly object[],
  framing: StreamFraming,
): Promise<boolean> {
  const { record, behaviour } = exchange;
  let payload = '';
  for (const chunk of chunks) {
    payload += framing.frame(chunk);
    record.chunksSent++;
    if (record.chunksSent === behaviour.drop) {
      await flush(exchange, payload);
      dropConnection(exchange);
      return false;
    }
    if (record.chunksSent === behaviour.streamError) {
      exchange.res.end(payload + framing.frame(framing.errorChunk()));
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
    // One listener per step, removed once the step is written: a long stream must not pile them up.
    const done = () => {
      exchange.signal.removeEventListener('abort', done);
      resolve();
    };
    exchange.signal.addEventListener('abort', done, { once: true });
    exchange.res.write(payload, done);
  });
}
