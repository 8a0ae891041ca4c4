// undici's connection pool and request API, loaded from undici's own files rather than its entry
// point (issue #16, idle memory), and `exchange`, the relay's lighter call over the same pool.
// `require('undici')` also builds fetch, WebSocket, EventSource, the cache, the mock layer and every
// proxy agent: 4.5 MB of heap in each process that loads it (the api and the worker both do), where
// the relay and the probes use an Agent and `request`, 1.6 MB.
// An entry of its own (`@gateway/common/undici`): what imports `@gateway/common` does not load it.
// The paths are undici's, at the version package-lock.json pins; undici-core.spec.ts fails if an
// upgrade moves them or changes what they export.
import type * as Undici from 'undici';

const AgentClass = require('undici/lib/dispatcher/agent') as typeof Undici.Agent;
const apiRequest = require('undici/lib/api/api-request') as (
  this: Undici.Dispatcher,
  options: Undici.Dispatcher.RequestOptions,
) => Promise<Undici.Dispatcher.ResponseData>;
const { parseURL, parseHeaders } = require('undici/lib/core/util') as {
  parseURL: (url: string) => URL;
  parseHeaders: (raw: Buffer[]) => Record<string, string | string[] | undefined>;
};
const { getGlobalDispatcher: globalDispatcher } = require('undici/lib/global') as {
  getGlobalDispatcher: () => Undici.Dispatcher;
};

export { directReadConnector } from './direct-reads';

/** undici's Agent: a connection pool per origin. */
export const Agent = AgentClass;
export type Dispatcher = Undici.Dispatcher;
export type ResponseData = Undici.Dispatcher.ResponseData;

export type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path'> & {
  /** undici's process-wide Agent (the one `fetch` shares) when absent. */
  dispatcher?: Undici.Dispatcher;
};

/**
 * `request(url, options)` as undici's entry point exports it: the URL checked as undici checks it
 * (http or https, an InvalidArgumentError otherwise), sent through `options.dispatcher`.
 */
export function request(url: string, options: RequestOptions): Promise<ResponseData> {
  const target = parseURL(url);
  const { dispatcher = globalDispatcher(), ...rest } = options;
  // `rest` is this call's own copy: the options are copied once per request, as undici's entry does.
  return apiRequest.call(
    dispatcher,
    Object.assign(rest, {
      origin: target.origin,
      path: target.search ? `${target.pathname}${target.search}` : target.pathname,
    }),
  );
}

const { RequestAbortedError } = require('undici/lib/core/errors') as {
  RequestAbortedError: new (message?: string) => Error;
};

/**
 * What `exchange` reads of its signal: an AbortSignal, or anything that aborts as one does (the
 * relay's ClientGone, which is not an EventTarget: issue #16). Once aborted, it stays aborted.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  /** Why it was aborted (an Error, usually), once it is. */
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface ExchangeOptions {
  method: string;
  headers: Record<string, string>;
  /** None for a GET. */
  body?: string | NodeJS.ReadableStream;
  signal: AbortSignalLike;
  dispatcher: Undici.Dispatcher;
  headersTimeout: number;
  bodyTimeout: number;
}

export interface Exchange {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: ExchangeBody;
}

/** Past this many bytes read ahead and not yet taken, the connection is paused (as a Readable's). */
const HIGH_WATER_BYTES = 64 * 1024;

/**
 * An answer's body as the relay reads it, without a Node Readable, its async iterator and the async
 * resource `request` wraps each call in (issue #16): either as an async iterator over its chunks, or
 * a chunk at a time without waiting (`read()`, `onReadable`), as the SSE reader does. Both apply
 * backpressure (the connection pauses while 64 KiB are unread), and leaving the body before its end
 * (`return()`, `destroy()`) breaks the connection off.
 */
export class ExchangeBody implements AsyncIterableIterator<Buffer> {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private state: 'open' | 'ended' | 'failed' | 'left' = 'open';
  private error: unknown;
  private waiter: {
    resolve: (result: IteratorResult<Buffer>) => void;
    reject: (error: unknown) => void;
  } | null = null;
  private wake: (() => void) | null = null;
  /** The waker only queues work for later: it is called as a chunk arrives, not on a tick of its own. */
  private wakeSchedules = false;
  private paused = false;

  constructor(
    private readonly abort: (reason: Error) => void,
    private readonly resume: () => void,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Buffer>> {
    try {
      const chunk = this.read();
      if (chunk !== null) return Promise.resolve({ value: chunk, done: false });
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.state !== 'open') return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  return(): Promise<IteratorResult<Buffer>> {
    this.destroy();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** The next chunk held now, else null (see `ended`); once what is held is taken, throws what broke the body. */
  read(): Buffer | null {
    const chunk = this.queue.shift();
    if (chunk !== undefined) {
      this.queued -= chunk.byteLength;
      if (this.paused && this.queued === 0) {
        this.paused = false;
        this.resume();
      }
      return chunk;
    }
    if (this.state === 'failed') throw this.error;
    return null;
  }

  /** True once the body ended (or was left) and every chunk of it was taken. */
  get ended(): boolean {
    return this.queue.length === 0 && (this.state === 'ended' || this.state === 'left');
  }

  /**
   * Calls `wake` once, soon after a chunk, the end or a failure comes (as a Readable's 'readable').
   * A `wake` that only `schedules` work for later (the relay's, which queues its next read for after
   * the poll) is called right away, even inside undici's parser: it takes nothing from the body.
   */
  onReadable(wake: () => void, schedules = false): void {
    this.wake = wake;
    this.wakeSchedules = schedules;
    if (this.queue.length > 0 || this.state !== 'open') this.signal();
  }

  /** Leaves the body: what is unread is dropped and, before its end, the connection broken off. */
  destroy(): void {
    if (this.state === 'left') return;
    const open = this.state === 'open';
    this.state = 'left';
    this.queue.length = 0;
    this.queued = 0;
    this.settle({ value: undefined, done: true });
    if (open) this.abort(new RequestAbortedError('the body was left before its end'));
  }

  /** @internal A chunk from the connection; false asks it to pause until the queue is taken. */
  push(chunk: Buffer): boolean {
    if (this.state !== 'open') return true;
    if (this.waiter) {
      this.settle({ value: chunk, done: false });
      return true;
    }
    this.queue.push(chunk);
    this.queued += chunk.byteLength;
    this.signal();
    if (this.queued < HIGH_WATER_BYTES) return true;
    this.paused = true;
    return false;
  }

  /** @internal */
  end(): void {
    if (this.state !== 'open') return;
    this.state = 'ended';
    this.settle({ value: undefined, done: true });
    this.signal();
  }

  /** @internal */
  fail(error: unknown): void {
    if (this.state !== 'open') return;
    this.state = 'failed';
    this.error = error;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(error);
    this.signal();
  }

  private settle(result: IteratorResult<Buffer>): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.resolve(result);
  }

  /**
   * The waker runs on the next tick, never inside undici's parser (which may be about to pause),
   * unless it only schedules: then a tick per chunk would be spent on nothing (process.nextTick's
   * record is built by a slow path in Node 20; issue #16).
   */
  private signal(): void {
    const wake = this.wake;
    if (wake === null) return;
    this.wake = null;
    if (this.wakeSchedules) wake();
    else process.nextTick(wake);
  }
}

/**
 * One request through `options.dispatcher` (undici's handler interface, as `request` uses it), its
 * answer's status and headers once they arrive and its body as an ExchangeBody. The signal breaks
 * the exchange off at any point: before the headers the promise rejects, after them the body does.
 */
export function exchange(url: string, options: ExchangeOptions): Promise<Exchange> {
  const target = parseURL(url);
  return new Promise<Exchange>((resolve, reject) => {
    const { signal } = options;
    let abort: ((reason: Error) => void) | null = null;
    let body: ExchangeBody | null = null;
    let settled = false;
    const reasonOf = () => (signal.reason instanceof Error ? signal.reason : new RequestAbortedError());
    const onAbort = () => {
      const reason = reasonOf();
      if (body) body.fail(reason);
      abort?.(reason);
    };
    const done = () => signal.removeEventListener('abort', onAbort);
    if (signal.aborted) {
      reject(reasonOf());
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    const handler = {
      onConnect(abortRequest: (reason: Error) => void) {
        if (signal.aborted) abortRequest(reasonOf());
        else abort = abortRequest;
      },
      onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void) {
        if (statusCode < 200) return true;
        body = new ExchangeBody(abort ?? (() => undefined), resume);
        settled = true;
        resolve({ statusCode, headers: parseHeaders(rawHeaders), body });
        return true;
      },
      onData(chunk: Buffer) {
        return body ? body.push(chunk) : true;
      },
      onComplete() {
        done();
        body?.end();
      },
      onError(error: Error) {
        done();
        // A request body read from a stream (a media upload) is let go with the request, as `request` does.
        if (options.body !== undefined && typeof options.body !== 'string')
          destroyStream(options.body, error);
        if (!settled) {
          settled = true;
          reject(error);
        } else body?.fail(error);
      },
    };
    try {
      options.dispatcher.dispatch(
        {
          origin: target.origin,
          path: target.search ? `${target.pathname}${target.search}` : target.pathname,
          method: options.method as Undici.Dispatcher.HttpMethod,
          headers: options.headers,
          body: options.body as string,
          headersTimeout: options.headersTimeout,
          bodyTimeout: options.bodyTimeout,
        },
        handler as unknown as Undici.Dispatcher.DispatchHandler,
      );
    } catch (error) {
      done();
      reject(error);
    }
  });
}

function destroyStream(stream: NodeJS.ReadableStream, error: Error): void {
  const destroyable = stream as NodeJS.ReadableStream & {
    destroyed?: boolean;
    destroy?: (error?: Error) => void;
  };
  if (destroyable.destroyed !== true) destroyable.destroy?.(error);
}
