// One attempt against one upstream key: send the request, judge the answer, and, when it is good,
// deliver it to the client. Nothing reaches the client before the attempt is known to be good (for a
// stream: before its first event arrived), so the caller can still fail over (docs/design.md invariant 3).
import { Inject, Injectable } from '@nestjs/common';
import type { AbortSignalLike } from '@gateway/common/undici';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import {
  classifyUpstreamFailure,
  encodeSseError,
  JsonSkeleton,
  promptCountOf,
  readBoundedBody,
  RequestValidationError,
  SseDecodeError,
  SseReader,
  sseEventText,
  type AttemptAdapter,
  type ObservedEvent,
  type PreparedRequest,
  type PromptCount,
  type SseEvent,
  type StreamObserver,
} from '@gateway/providers';
import type { TableChannel, TableKey } from '../table/routing-table';
import { RelayErrorCode } from '../relay.errors';
import { UpstreamClient, UpstreamResponse } from '../upstream/upstream-client';
import { asBytes, cancel, readAnswerHead, type AnswerHead } from './answer-head';
import { afterPoll } from './after-poll';
import type { AttemptOutcome, Rejected, Retry, Served } from './attempt-outcome';
import { drained, writeNow, writeWithBackpressure } from './backpressure';
import { chunkConnection, writeChunk } from './chunk-writer';
import type { ClientResponse } from './client-response';
import { judgeUpstreamError, unreadableStatus } from './judge-upstream-error';

/** Error bodies are read for their message only; a larger one is cut. */
const MAX_ERROR_BODY = 64 * 1024;

/** One attempt's facts (its adapter comes beside them: AttemptRunner.run). */
export interface AttemptInput {
  stream: boolean;
  channel: TableChannel;
  key: TableKey;
  upstreamModel: string;
  /** The gateway's prompt count, billed when the upstream reports no usage (counted only then). */
  promptTokens: PromptCount;
  /** The most output tokens held for one answer (the client's limit, else the default held). */
  heldOutputTokens: number;
  res: ClientResponse;
  /** Aborted when the client goes away. */
  clientGone: AbortSignalLike;
  /** What is left of the request's deadline, for the response headers to arrive. */
  remainingMs: number;
  retryStatuses: ReadonlySet<number>;
  /** Headers for the client, set when the answer is delivered (x-routed-via, x-fallback-attempts). */
  headers: Record<string, string>;
}

/** A Retry that also says how long the upstream asked to wait (for the key's cooldown). */
export type AttemptResult = AttemptOutcome & { retryAfterMs?: number | null; wholeKey?: boolean };

@Injectable()
export class AttemptRunner {
  constructor(
    private readonly upstream: UpstreamClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * `adapter`: the channel's adapter with the client's request bound, in whichever format the client
   * spoke. (Beside the input, not in it: the caller's input is one literal, made once.)
   */
  async run(adapter: AttemptAdapter, input: AttemptInput): Promise<AttemptResult> {
    const { channel, key, clientGone } = input;
    let prepared: PreparedRequest;
    try {
      prepared = adapter.prepareRequest({
        upstreamModel: input.upstreamModel,
        baseUrl: channel.baseUrl,
        apiKey: key.secret,
        settings: channel.settings,
        heldOutputTokens: input.heldOutputTokens,
      });
    } catch (error) {
      // The request cannot be carried to this channel's format (n > 1, a part it has no place for).
      if (error instanceof RequestValidationError) return rejectedRequest(error);
      throw error;
    }
    let response: UpstreamResponse;
    try {
      // The client's own signal: its going away aborts the upstream call (undici listens on it for
      // the call's lifetime only), with no controller and listener of the attempt's own.
      response = await this.upstream.call({
        url: prepared.url,
        headers: prepared.headers,
        body: JSON.stringify(prepared.body),
        signal: clientGone,
        headersTimeoutMs: Math.max(1, Math.min(channel.timeoutMs, input.remainingMs)),
        bodyTimeoutMs: channel.timeoutMs,
      });
    } catch (error) {
      return clientGone.aborted ? { kind: 'abandoned' } : failure(error, channel);
    }
    const unreadable = unreadableStatus(response.statusCode);
    if (unreadable !== null) {
      await readBoundedBody(response.body, MAX_ERROR_BODY);
      return unreadable;
    }
    if (response.statusCode >= 400) return await this.judgeError(response, input, adapter);
    if (!input.stream) return await this.deliverJson(response, input, adapter);
    const observer = adapter.createStreamObserver({
      clientAskedForUsage: prepared.clientAskedForUsage,
      clientRequest: prepared.clientRequest,
      promptTokens: input.promptTokens,
      secrets: [key.secret],
    });
    return await this.deliverStream(response, input, observer);
  }

  private async judgeError(
    response: UpstreamResponse,
    input: AttemptInput,
    adapter: AttemptAdapter,
  ): Promise<AttemptResult> {
    const status = response.statusCode;
    // A body cut at the limit, or broken off, still says enough to classify it.
    const { text } = await readBoundedBody(response.body, MAX_ERROR_BODY);
    const verdict = adapter.classifyError({ status, headers: response.headers, body: text });
    return judgeUpstreamError(status, verdict, input.retryStatuses, [input.key.secret]);
  }

  private async deliverJson(
    response: UpstreamResponse,
    input: AttemptInput,
    adapter: AttemptAdapter,
  ): Promise<AttemptResult> {
    const head = await readAnswerHead(response.body, this.config.RELAY_MAX_RESPONSE_BYTES);
    if (head.kind === 'failed') {
      return input.clientGone.aborted ? { kind: 'abandoned' } : failure(head.error, input.channel);
    }
    if (head.kind === 'over') {
      // An answer the gateway passes on as it came need not be held: it flows through. One it must
      // translate must be parsed whole, and is refused rather than held past the limit.
      if (adapter.translateResponse === undefined) return this.passThroughJson(head, input, adapter);
      await cancel(head.rest);
      return responseTooLarge(this.config.RELAY_MAX_RESPONSE_BYTES);
    }
    const raw = head.text;
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return {
        kind: 'retry',
        upstreamStatus: response.statusCode,
        reason: 'bad_response',
        message: 'the upstream answered with invalid JSON',
      };
    }
    let answer: { text: string; usage: Served['usage']; usageSource: Served['usageSource'] };
    try {
      answer = readAnswer(adapter, raw, body, input.promptTokens);
    } catch (error) {
      // A refusal inside a success answer (Gemini's blocked prompt) is the client's; anything else
      // the translation choked on is a broken answer, worth another candidate.
      if (error instanceof RequestValidationError) return rejectedRequest(error);
      return {
        kind: 'retry',
        upstreamStatus: response.statusCode,
        reason: 'bad_response',
        message: 'the upstream answered with a body the gateway could not read',
      };
    }
    const { usage, usageSource } = answer;
    const served: Served = {
      kind: 'served',
      status: 200,
      usage,
      usageSource,
      firstContentAt: null,
      errorCode: null,
      errorMessage: null,
    };
    // The upstream did the work even if the client left meanwhile: it is billed, as a 499.
    if (input.clientGone.aborted) return { ...served, status: 499, errorCode: 'client_closed_request' };
    const { res } = input;
    res.status(200);
    for (const [name, value] of Object.entries(input.headers)) res.setHeader(name, value);
    res.setHeader('content-type', 'application/json');
    res.end(answer.text);
    return served;
  }

  /**
   * A large answer in the client's own format, written as it arrives with backpressure: the process
   * holds a socket buffer of it, not the answer. Its small top-level members (the usage) are kept
   * for billing; without an upstream usage among them it is billed at what was held.
   */
  private async passThroughJson(
    head: Extract<AnswerHead, { kind: 'over' }>,
    input: AttemptInput,
    adapter: AttemptAdapter,
  ): Promise<AttemptResult> {
    const { res, clientGone } = input;
    const idleMs = input.channel.timeoutMs;
    const skeleton = new JsonSkeleton();
    res.status(200);
    for (const [name, value] of Object.entries(input.headers)) res.setHeader(name, value);
    res.setHeader('content-type', 'application/json');
    let ended: 'done' | 'stalled' | 'dropped' = 'done';
    try {
      // Written and let go one by one, so the head is not held while the client reads slowly.
      for (let chunk = head.chunks.shift(); chunk !== undefined; chunk = head.chunks.shift()) {
        skeleton.push(chunk);
        await writeWithBackpressure(res, chunk, idleMs);
      }
      for (;;) {
        if (clientGone.aborted || res.destroyed) break;
        const next = await head.rest.next();
        if (next.done) break;
        const chunk = asBytes(next.value);
        skeleton.push(chunk);
        await writeWithBackpressure(res, chunk, idleMs);
      }
    } catch (error) {
      ended = classifyUpstreamFailure(error).cause === 'timeout' ? 'stalled' : 'dropped';
    }
    const parsed = skeleton.result();
    const read = parsed === null ? null : adapter.responseUsage(parsed, input.promptTokens);
    const served: Served = {
      kind: 'served',
      status: 200,
      ...(read?.usageSource === 'upstream'
        ? read
        : {
            usage: {
              promptTokens: promptCountOf(input.promptTokens),
              completionTokens: input.heldOutputTokens,
              cachedTokens: 0,
              reasoningTokens: 0,
            },
            usageSource: 'counted' as const,
          }),
      firstContentAt: null,
      errorCode: null,
      errorMessage: null,
    };
    if (clientGone.aborted || (res.destroyed && ended === 'done')) {
      await cancel(head.rest);
      return {
        ...served,
        status: 499,
        errorCode: 'client_closed_request',
        errorMessage: 'the client closed the connection or stopped reading',
      };
    }
    if (ended === 'done') {
      res.end();
      return served;
    }
    // A JSON body cannot carry an error after it started: the connection is cut, so the client
    // sees a broken answer rather than a short one it could mistake for whole.
    res.destroy();
    const stalled = ended === 'stalled';
    return {
      ...served,
      status: stalled ? 504 : 502,
      errorCode: stalled ? 'upstream_timeout' : 'upstream_error',
      errorMessage: stalled
        ? `the upstream sent nothing for ${Math.round(idleMs / 1000)} s and was cut off`
        : 'the upstream closed the answer before it finished',
    };
  }

  private async deliverStream(
    response: UpstreamResponse,
    input: AttemptInput,
    observer: StreamObserver,
  ): Promise<AttemptResult> {
    // Events come a network read's worth at a time and each batch is written out synchronously;
    // once the stream is committed, no promise is made per read (issue #16).
    const events = new StreamEvents(new SseReader(response.body));
    let first: SseEvent | null;
    try {
      first = await events.next();
    } catch (error) {
      return input.clientGone.aborted ? { kind: 'abandoned' } : failure(error, input.channel);
    }
    if (first === null) {
      return {
        kind: 'retry',
        upstreamStatus: 200,
        reason: 'bad_response',
        message: 'the upstream ended the stream before its first event',
      };
    }
    let observedFirst = observer.observe(first);
    // Events the client is not sent yet (a translated stream's preamble, Anthropic's ping) do not
    // commit the attempt: an error among them still fails over. A pass-through stream's first
    // event is forwarded, so this reads nothing more for it.
    try {
      while (observedFirst.suppress && observer.outcome().upstreamError === null) {
        const next = await events.next();
        if (next === null) break;
        observedFirst = observer.observe(next);
      }
    } catch (error) {
      return input.clientGone.aborted ? { kind: 'abandoned' } : failure(error, input.channel);
    }
    const { upstreamError: early, clientFault } = observer.outcome();
    if (early !== null) {
      response.body.destroy();
      if (clientFault === true) return rejectedRequest(new RequestValidationError('messages', early));
      return { kind: 'retry', upstreamStatus: 200, reason: 'server_error', message: early };
    }

    const { res } = input;
    res.status(200);
    for (const [name, value] of Object.entries(input.headers)) res.setHeader(name, value);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('x-accel-buffering', 'no');
    // The first event's write carries the head with it (one write, not two); with nothing to write
    // yet the head goes now, so the client knows the stream has started.
    if (observedFirst.suppress) res.flushHeaders();

    // A client that takes nothing for as long as the upstream may be silent is cut off (its close
    // aborts the upstream request, below).
    const idleMs = input.channel.timeoutMs;
    let ended: StreamEnd = 'done';
    try {
      if (!writeObserved(res, observedFirst)) await drained(res, idleMs);
      ended = await relayRest(events, observer, input, idleMs);
    } catch (error) {
      ended = endOf(error);
    }
    // Cut by the gateway (an event too large to be one): the upstream is still sending, and would
    // hold its connection until it finished.
    if (ended === 'oversized') response.body.destroy();
    const outcome = observer.outcome();
    const served: Served = {
      kind: 'served',
      status: 200,
      usage: outcome.usage,
      usageSource: outcome.usage === null ? 'none' : outcome.usageSource,
      firstContentAt: outcome.firstContentAt,
      errorCode: null,
      errorMessage: null,
    };
    if (input.clientGone.aborted) {
      response.body.destroy();
      return {
        ...served,
        status: 499,
        errorCode: 'client_closed_request',
        errorMessage: 'the client closed the connection',
      };
    }
    if (outcome.sawDone) {
      res.end(); // once the relay ended it with its last chunk, a no-op
      return served;
    }
    // The stream broke after it started: say so in the stream (never a clean [DONE]), then end it.
    const stalled = ended === 'stalled';
    const message =
      outcome.upstreamError ??
      (stalled
        ? `the upstream sent nothing for ${Math.round(input.channel.timeoutMs / 1000)} s and was cut off`
        : ended === 'oversized'
          ? 'the upstream sent a stream event larger than the gateway takes, and was cut off'
          : 'the upstream closed the stream before it finished');
    const code = stalled ? 'upstream_timeout' : 'upstream_error';
    if (outcome.upstreamError === null) {
      const failed = observer.fail?.(message, code);
      const text =
        failed === undefined ? encodeSseError({ message, type: 'server_error', code }) : Buffer.from(failed);
      await writeWithBackpressure(res, text, idleMs).catch(() => undefined);
    }
    res.end();
    return { ...served, status: stalled ? 504 : 502, errorCode: code, errorMessage: message };
  }
}

/**
 * Writes an observed event unless it is suppressed. False when the client's buffer is full: the
 * caller waits for it to drain before writing more.
 */
function writeObserved(res: ClientResponse, observed: ObservedEvent): boolean {
  const text = observedText(observed);
  return text === '' || writeNow(res, Buffer.from(text));
}

/** How a stream ended: 'oversized' when the gateway cut it at an event too large to be one. */
type StreamEnd = 'done' | 'stalled' | 'dropped' | 'oversized';

function endOf(error: unknown): StreamEnd {
  if (error instanceof SseDecodeError) return 'oversized';
  return classifyUpstreamFailure(error).cause === 'timeout' ? 'stalled' : 'dropped';
}

/** The text an observed event puts on the wire: nothing when it is suppressed. */
function observedText(observed: ObservedEvent): string {
  if (observed.suppress) return '';
  return 'text' in observed ? observed.text : sseEventText(observed.event);
}

/**
 * The rest of a committed stream, relayed by callbacks: each network read's events are observed
 * and written out synchronously, waiting only for the next read or for a full client buffer to
 * drain. Resolves once the stream ended, broke, or the client went away.
 */
function relayRest(
  events: StreamEvents,
  observer: StreamObserver,
  input: AttemptInput,
  idleMs: number,
): Promise<StreamEnd> {
  const { res, clientGone } = input;
  return new Promise((resolve) => {
    const wake = (): void => afterPoll(step);
    const step = (): void => {
      // The client's going away is an event: it can only have happened while this waited, so it is
      // checked here, once per wake, not once per event written.
      if (clientGone.aborted) return resolve('done');
      // What one wake finds (often several events of one read) goes out as one chunk in one write:
      // events written one by one cost a system call and a TCP segment each, and each write of a
      // chunked answer four socket writes and a buffer (issue #16). The text is bounded by what the
      // source holds unread (its high-water mark pauses the upstream connection).
      let text = '';
      let next: 'read' | StreamEnd = 'read';
      /** The source ended (not broke): what was read is all there is. */
      let ended = false;
      try {
        for (;;) {
          for (let event = events.take(); event !== null; event = events.take())
            text += observedText(observer.observe(event));
          const more = events.refill();
          if (more === 'wait') break;
          if (more === 'ended') {
            // A translated stream's terminator comes from the observer, only on a clean end.
            text += observer.end?.() ?? '';
            next = 'done';
            ended = true;
            break;
          }
        }
      } catch (error) {
        next = endOf(error);
      }
      // Straight to the connection as one chunk where Node need not frame it (chunk-writer.ts).
      const connection = text === '' ? null : chunkConnection(res);
      // Held for one system call: Node's framed write (four pieces) and an answer's last write and end.
      const corked = connection === null || next !== 'read';
      if (corked) res.cork();
      try {
        const room =
          text === '' ||
          (connection === null ? writeNow(res, Buffer.from(text)) : writeChunk(connection, text));
        // A full buffer drains where it filled: the connection's, or the response's (Node's own writes).
        const full = connection ?? res;
        if (next === 'read') {
          // The next read waits for the rest of the loop's poll: other clients' first bytes go first.
          if (room) events.whenReadable(wake);
          else void drained(full, idleMs).then(step);
          return;
        }
        // A clean end's last chunk and the answer's end leave in the same write (one system call
        // fewer a stream); a client that is not reading is waited for, as for any full buffer.
        if (ended && room && observer.outcome().sawDone) res.end();
        if (room) resolve(next);
        else void drained(full, idleMs).then(() => resolve(next));
      } finally {
        if (corked) res.uncork();
      }
    };
    step();
  });
}

/**
 * The events of a stream as the relay takes them: `take()` hands out the batch in hand one by one,
 * `refill()` decodes what the source holds now without waiting, `whenReadable` waits for more, and
 * `next()` does all of it with a promise (for the few events read before the stream is committed).
 */
class StreamEvents {
  private batch: SseEvent[] = [];
  private at = 0;

  constructor(private readonly source: SseReader) {}

  take(): SseEvent | null {
    return this.at < this.batch.length ? (this.batch[this.at++] ?? null) : null;
  }

  /** A new batch from what the source holds now: 'wait' when it holds nothing yet. Throws what broke it. */
  refill(): 'more' | 'wait' | 'ended' {
    const batch = this.source.poll();
    if (batch === null) return 'ended';
    if (batch.length === 0) return 'wait';
    this.batch = batch;
    this.at = 0;
    return 'more';
  }

  /** `wake` only schedules the next read (afterPoll), so the source may call it as a chunk arrives. */
  whenReadable(wake: () => void): void {
    this.source.whenReadable(wake, true);
  }

  async next(): Promise<SseEvent | null> {
    for (;;) {
      const event = this.take();
      if (event !== null) return event;
      const batch = await this.source.next();
      if (batch === null) return null;
      this.batch = batch;
      this.at = 0;
    }
  }
}

/** The answer's text for the client (translated when the adapter translates) and its usage. */
function readAnswer(
  adapter: AttemptAdapter,
  raw: string,
  body: unknown,
  promptTokens: PromptCount,
): { text: string; usage: Served['usage']; usageSource: Served['usageSource'] } {
  if (adapter.translateResponse === undefined) {
    return { text: raw, ...adapter.responseUsage(body, promptTokens) };
  }
  const translated = adapter.translateResponse(body, promptTokens);
  return {
    text: JSON.stringify(translated.body),
    usage: translated.usage,
    usageSource: translated.usageSource,
  };
}

/** An answer that would have to be held past RELAY_MAX_RESPONSE_BYTES to be translated. */
function responseTooLarge(limitBytes: number): Rejected {
  return {
    kind: 'rejected',
    status: 502,
    code: RelayErrorCode.UpstreamResponseTooLarge,
    message: `the upstream's answer is larger than the ${limitBytes} bytes the gateway translates (RELAY_MAX_RESPONSE_BYTES); ask for less, or stream it`,
    param: null,
    type: 'upstream_error',
  };
}

function rejectedRequest(error: RequestValidationError): Rejected {
  return {
    kind: 'rejected',
    status: 400,
    code: 'invalid_request_error',
    message: error.message,
    param: error.param,
    type: 'invalid_request_error',
  };
}

/** A failure before any answer: a timeout (the upstream was too slow) or a connection problem. */
function failure(error: unknown, channel: TableChannel): Retry {
  const failed = classifyUpstreamFailure(error);
  if (failed.cause === 'timeout') {
    return {
      kind: 'retry',
      upstreamStatus: null,
      reason: 'timeout',
      message: `${channel.name} did not answer in time`,
    };
  }
  return {
    kind: 'retry',
    upstreamStatus: null,
    reason: 'connect_error',
    message: `${channel.name} could not be reached${failed.code ? ` (${failed.code})` : ''}`,
  };
}
