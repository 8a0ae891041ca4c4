import { once } from 'node:events';
import { sleep } from '../abortable-sleep';
import { dropConnection, type Exchange } from '../exchange';

/** Bytes per write; `drop=N` cuts the connection after the Nth. */
export const BINARY_CHUNK_BYTES = 16 * 1024;

/**
 * Sends a binary answer (speech audio) in chunks as OpenAI does (chunked, no Content-Length),
 * generating each chunk only when the client has taken the last one (backpressure), after `ttft`
 * (default `latency`) and with `chunkDelay` between chunks.
 */
export async function deliverBinary(
  exchange: Exchange,
  answer: { contentType: string; size: number; byte: (index: number) => number },
): Promise<void> {
  const { res, behaviour, signal, record } = exchange;
  await sleep(behaviour.ttft ?? behaviour.latency, signal);
  if (behaviour.drop === 0) return dropConnection(exchange);
  record.status = 200;
  res.writeHead(200, { 'content-type': answer.contentType, 'transfer-encoding': 'chunked' });
  for (let offset = 0; offset < answer.size; offset += BINARY_CHUNK_BYTES) {
    if (offset > 0) await sleep(behaviour.chunkDelay, signal);
    if (signal.aborted) return;
    const chunk = Buffer.alloc(Math.min(BINARY_CHUNK_BYTES, answer.size - offset));
    for (let i = 0; i < chunk.length; i++) chunk[i] = answer.byte(offset + i);
    record.chunksSent++;
    if (!res.write(chunk)) await once(res, 'drain', { signal });
    if (record.chunksSent === behaviour.drop) return dropConnection(exchange);
  }
  res.end();
}
