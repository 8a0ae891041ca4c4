// Incremental SSE decoding over the byte chunks of an upstream response. Bytes are decoded with a
// streaming TextDecoder so a UTF-8 character split across two chunks survives, and the parser only
// holds the event being received, never the stream.
import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { SseEvent } from './sse-event';

/**
 * One event bigger than this (in UTF-16 units) is not a chat chunk but a broken or hostile
 * upstream; decoding stops instead of growing a buffer. Generous for image or audio payloads.
 */
export const DEFAULT_MAX_EVENT_CHARS = 16 * 1024 * 1024;

export class SseDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SseDecodeError';
  }
}

export interface SseDecoderOptions {
  maxEventChars?: number;
}

export class SseDecoder {
  private readonly text = new TextDecoder('utf-8');
  private readonly parser: EventSourceParser;
  private pending: SseEvent[] = [];
  private overflow: string | null = null;
  private endsWithCr = false;

  constructor(options: SseDecoderOptions = {}) {
    this.parser = createParser({
      maxBufferSize: options.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS,
      onEvent: ({ event, data }) => this.pending.push(event === undefined ? { data } : { event, data }),
      // Unknown fields and bad `retry` values are ignored, as the SSE spec says; only overflow is fatal.
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') this.overflow = error.message;
      },
    });
  }

  /** Decodes one chunk of bytes; returns the events it completed (often none, sometimes several). */
  push(chunk: Uint8Array): SseEvent[] {
    return this.feed(this.text.decode(chunk, { stream: true }));
  }

  /**
   * Ends the stream. An event without its terminating blank line is discarded, as the SSE spec
   * says: a cut connection leaves a truncated event that must not be read as a whole one.
   */
  end(): SseEvent[] {
    const rest = this.text.decode();
    // A final CR ends its line, but the parser waits for a possible LF; CRLF is one line break,
    // so adding the LF completes that line and nothing more.
    return this.feed(rest === '' && this.endsWithCr ? '\n' : rest);
  }

  private feed(text: string): SseEvent[] {
    if (this.overflow !== null) throw new SseDecodeError(this.overflow);
    if (text !== '') {
      this.parser.feed(text);
      this.endsWithCr = text.endsWith('\r');
    }
    if (this.overflow !== null) throw new SseDecodeError(this.overflow);
    const events = this.pending;
    this.pending = [];
    return events;
  }
}

/**
 * The events of an async byte source (an undici body), a chunk's worth at a time: one promise per
 * chunk read rather than one per event, so a relay that writes each batch out synchronously pays
 * the promise machinery (and the async hooks behind it) once per network read (issue #16).
 */
export class SseBatches {
  private readonly decoder: SseDecoder;
  private readonly chunks: AsyncIterator<Uint8Array>;
  private ended = false;

  constructor(source: AsyncIterable<Uint8Array>, options?: SseDecoderOptions) {
    this.decoder = new SseDecoder(options);
    this.chunks = source[Symbol.asyncIterator]();
  }

  /** The events the next chunk completes (often none), or null once the stream has ended. */
  async next(): Promise<SseEvent[] | null> {
    if (this.ended) return null;
    const read = await this.chunks.next();
    if (read.done !== true) return this.decoder.push(read.value);
    this.ended = true;
    return this.decoder.end();
  }
}

/** Convenience over an async byte source (an undici/fetch body): yields events as they complete. */
export async function* decodeSseStream(
  chunks: AsyncIterable<Uint8Array>,
  options?: SseDecoderOptions,
): AsyncGenerator<SseEvent> {
  const decoder = new SseDecoder(options);
  for await (const chunk of chunks) yield* decoder.push(chunk);
  yield* decoder.end();
}
