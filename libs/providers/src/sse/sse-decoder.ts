// Incremental SSE decoding over the byte chunks of an upstream response. Bytes are decoded with a
// streaming decoder so a UTF-8 character split across two chunks survives, and the parser only
// holds the event being received, never the stream.
import { finished, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { SseEvent } from './sse-event';

/**
 * One event bigger than this (in UTF-16 units) is not a chat chunk but a broken or hostile
 * upstream; decoding stops instead of growing a buffer. Generous for image or audio payloads.
 */
export const DEFAULT_MAX_EVENT_CHARS = 16 * 1024 * 1024;

const BYTE_ORDER_MARK = 0xfeff;

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
  // Node's StringDecoder: a third of TextDecoder's time per chunk with `stream: true` (issue #16).
  private readonly text = new StringDecoder('utf8');
  /** A byte order mark may start the stream (TextDecoder dropped it; StringDecoder keeps it). */
  private atStart = true;
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
    return this.feed(this.text.write(chunk));
  }

  /**
   * Ends the stream. An event without its terminating blank line is discarded, as the SSE spec
   * says: a cut connection leaves a truncated event that must not be read as a whole one.
   */
  end(): SseEvent[] {
    const rest = this.text.end();
    // A final CR ends its line, but the parser waits for a possible LF; CRLF is one line break,
    // so adding the LF completes that line and nothing more.
    return this.feed(rest === '' && this.endsWithCr ? '\n' : rest);
  }

  private feed(decoded: string): SseEvent[] {
    if (this.overflow !== null) throw new SseDecodeError(this.overflow);
    let text = decoded;
    if (this.atStart && text !== '') {
      this.atStart = false;
      if (text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
    }
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
 * A byte source read without waiting: an upstream answer's body (undici's `ExchangeBody`), or a
 * Node Readable through `pullFrom`.
 */
export interface PullSource {
  /** The next chunk held now, else null; once what is held is taken, throws what broke the source. */
  read(): Uint8Array | null;
  /** True once the source ended and every chunk of it was taken. */
  readonly ended: boolean;
  /**
   * Calls `wake` once, after a chunk, the end or a failure came (never inside `read`). A `wake` that
   * only `schedules` work for later (it reads nothing itself) may be called as the chunk arrives,
   * without a tick of its own.
   */
  onReadable(wake: () => void, schedules?: boolean): void;
}

/** A Readable as a PullSource: its 'readable' events wake, its end or error is seen through `finished`. */
export function pullFrom(source: Readable): PullSource {
  let done = false;
  let failure: unknown = null;
  let waiter: (() => void) | null = null;
  const wake = (): void => {
    const next = waiter;
    waiter = null;
    next?.();
  };
  source.on('readable', wake);
  finished(source, { writable: false }, (error) => {
    done = true;
    failure = error ?? null;
    wake();
  });
  return {
    read() {
      const chunk: unknown = source.destroyed ? null : source.read();
      if (chunk !== null) return asBytes(chunk);
      if (failure !== null) throw failure;
      return null;
    },
    get ended() {
      return done;
    },
    onReadable(next) {
      waiter = next;
    },
  };
}

/**
 * The events of a byte stream (an upstream body) as the relay takes them, with no promise per
 * network read: `poll()` decodes whatever the stream holds now and `whenReadable` wakes one waiter
 * once it may hold more, so a relay that writes each batch out synchronously pays for none of the
 * async iterator's machinery per chunk (issue #16). `next()` waits with a promise, for the few reads
 * before a stream is committed.
 */
export class SseReader {
  private readonly decoder: SseDecoder;
  private readonly source: PullSource;
  /** The decoder's end was handed out: nothing more will come. */
  private over = false;

  constructor(source: PullSource | Readable, options?: SseDecoderOptions) {
    this.decoder = new SseDecoder(options);
    this.source = 'onReadable' in source ? source : pullFrom(source);
  }

  /**
   * The events the source's bytes complete now: an empty batch when it holds nothing yet (wait
   * with `whenReadable`), null once it ended and everything was handed out. Throws what broke it.
   */
  poll(): SseEvent[] | null {
    if (this.over) return null;
    for (;;) {
      const chunk = this.source.read();
      if (chunk !== null) {
        const events = this.decoder.push(chunk);
        if (events.length > 0) return events;
        continue;
      }
      if (!this.source.ended) return [];
      this.over = true;
      const rest = this.decoder.end();
      return rest.length > 0 ? rest : null;
    }
  }

  /**
   * Calls `wake` once, when the source may hold more than `poll()` found (or ended, or broke).
   * `schedules`: `wake` only queues work for later and reads nothing itself (PullSource.onReadable).
   */
  whenReadable(wake: () => void, schedules = false): void {
    this.source.onReadable(wake, schedules);
  }

  /** The next batch, waiting for one if the source holds nothing yet; null once it ended. */
  next(): Promise<SseEvent[] | null> {
    return new Promise((resolve, reject) => {
      const attempt = (): void => {
        try {
          const events = this.poll();
          if (events !== null && events.length === 0) this.whenReadable(attempt);
          else resolve(events);
        } catch (error) {
          reject(error);
        }
      };
      attempt();
    });
  }
}

function asBytes(chunk: unknown): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
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
