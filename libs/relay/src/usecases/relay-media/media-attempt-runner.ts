// One attempt of a media request (images, audio, moderations, rerank) against one upstream key. As
// for chat, nothing reaches the client before the attempt is known to be good, so the relay can still
// fail over (docs/design.md invariant 3): a JSON answer is read whole first; a binary or event stream
// commits at its first chunk and is then passed on with backpressure (invariant 2).
import { Injectable } from '@nestjs/common';
import type { MeteredTokens, MeteredUsage } from '@gateway/billing';
import {
  classifyUpstreamFailure,
  countTextTokens,
  decodeSseStream,
  encodeSseError,
  encodeSseEvent,
  mediaEventError,
  mediaEventUsage,
  mediaJsonUsage,
  prepareMediaCall,
  readBoundedBody,
  subtitleSeconds,
  type MediaAnswerUsage,
  type MediaCall,
  type MediaRequest,
  type MultipartFilePart,
  type ProviderAdapter,
  type SseEvent,
  type Usage,
} from '@gateway/providers';
import { Readable } from 'node:stream';
import type { AttemptInput, AttemptResult } from '../../relay/attempt-runner';
import type { Retry, Served } from '../../relay/attempt-outcome';
import { writeWithBackpressure } from '../../relay/backpressure';
import type { ClientResponse } from '../../relay/client-response';
import { judgeUpstreamError, unreadableStatus } from '../../relay/judge-upstream-error';
import { UpstreamClient, type UpstreamResponse } from '../../upstream/upstream-client';

const MAX_ERROR_BODY = 64 * 1024;
/** A JSON or text answer larger than this is not an answer these routes give (b64 images included). */
const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/** What the attempt sends and how it meters the answer. */
export interface MediaAttemptPlan {
  request: MediaRequest;
  /** The stored upload's files, for a multipart route. */
  files: readonly MultipartFilePart[];
  /** The request's worst case: what is billed when the answer reports nothing better. */
  worst: MeteredUsage;
}

const ZERO_USAGE: Usage = { promptTokens: 0, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0 };

@Injectable()
export class MediaAttemptRunner {
  constructor(private readonly upstream: UpstreamClient) {}

  async run(adapter: ProviderAdapter, input: AttemptInput, plan: MediaAttemptPlan): Promise<AttemptResult> {
    const { channel, key, clientGone } = input;
    const call = prepareMediaCall(
      plan.request,
      { upstreamModel: input.upstreamModel, baseUrl: channel.baseUrl, apiKey: key.secret },
      plan.files,
    );
    const abort = new AbortController();
    const onGone = () => abort.abort();
    clientGone.addEventListener('abort', onGone, { once: true });
    try {
      let response: UpstreamResponse;
      try {
        response = await this.upstream.call({
          url: call.url,
          headers: call.headers,
          body: bodyOf(call),
          signal: abort.signal,
          headersTimeoutMs: Math.max(1, Math.min(channel.timeoutMs, input.remainingMs)),
          bodyTimeoutMs: channel.timeoutMs,
        });
      } catch (error) {
        return clientGone.aborted ? { kind: 'abandoned' } : failure(error, input);
      }
      const unreadable = unreadableStatus(response.statusCode);
      if (unreadable !== null) {
        await readBoundedBody(response.body, MAX_ERROR_BODY);
        return unreadable;
      }
      if (response.statusCode >= 400) {
        const { text } = await readBoundedBody(response.body, MAX_ERROR_BODY);
        const verdict = adapter.classifyError({
          status: response.statusCode,
          headers: response.headers,
          body: text,
        });
        return judgeUpstreamError(response.statusCode, verdict, input.retryStatuses, [key.secret]);
      }
      const type = headerText(response.headers['content-type']).toLowerCase();
      if (type.includes('text/event-stream')) return await this.deliverEvents(response, input, plan);
      if (plan.request.endpoint === 'audio.speech')
        return await this.deliverBinary(response, input, plan, type);
      return await this.deliverAnswer(response, input, plan, type);
    } finally {
      clientGone.removeEventListener('abort', onGone);
    }
  }

  /** A JSON answer (or a transcript as text, SRT or WebVTT), read whole, metered, then sent. */
  private async deliverAnswer(
    response: UpstreamResponse,
    input: AttemptInput,
    plan: MediaAttemptPlan,
    type: string,
  ): Promise<AttemptResult> {
    const read = await readBoundedBody(response.body, MAX_ANSWER_BYTES);
    if (read.kind === 'failed')
      return input.clientGone.aborted ? { kind: 'abandoned' } : failure(read.error, input);
    if (read.kind === 'too_large')
      return badResponse(response.statusCode, 'the upstream answer is too large');
    const text = read.text;
    let said: MediaAnswerUsage;
    if (type.includes('json')) {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return badResponse(response.statusCode, 'the upstream answered with invalid JSON');
      }
      said = mediaJsonUsage(body);
    } else {
      said = { images: null, seconds: subtitleSeconds(text), tokens: null, text };
    }
    const served = this.served(plan, said, null);
    if (input.clientGone.aborted) return { ...served, status: 499, errorCode: 'client_closed_request' };
    const { res } = input;
    res.status(200);
    for (const [name, value] of Object.entries(input.headers)) res.setHeader(name, value);
    res.setHeader('content-type', type === '' ? 'application/json' : type);
    res.end(text);
    return served;
  }

  /** Speech: the audio passed on chunk by chunk as the upstream makes it, never held whole. */
  private async deliverBinary(
    response: UpstreamResponse,
    input: AttemptInput,
    plan: MediaAttemptPlan,
    type: string,
  ): Promise<AttemptResult> {
    const chunks = response.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let first: IteratorResult<Buffer>;
    try {
      first = await chunks.next();
    } catch (error) {
      return input.clientGone.aborted ? { kind: 'abandoned' } : failure(error, input);
    }
    if (first.done) return badResponse(response.statusCode, 'the upstream sent no audio');
    const { res } = input;
    res.status(200);
    for (const [name, value] of Object.entries(input.headers)) res.setHeader(name, value);
    res.setHeader('content-type', type === '' ? 'application/octet-stream' : type);
    const length = headerText(response.headers['content-length']);
    if (/^\d+$/.test(length)) res.setHeader('content-length', length);
    res.flushHeaders();
    const firstAt = Date.now();
    let broke: unknown = null;
    try {
      await writeWithBackpressure(res, first.value);
      for (;;) {
        if (input.clientGone.aborted) break;
        const next = await chunks.next();
        if (next.done) break;
        await writeWithBackpressure(res, next.value);
      }
    } catch (error) {
      broke = error;
    }
    const served = this.served(plan, { images: null, seconds: null, tokens: null, text: null }, firstAt);
    if (input.clientGone.aborted) {
      response.body.destroy();
      return {
        ...served,
        status: 499,
        errorCode: 'client_closed_request',
        errorMessage: 'the client closed the connection',
      };
    }
    if (broke === null) {
      res.end();
      return served;
    }
    // Audio has no in-band error: cut the connection, so the client sees a truncated body, not a whole one.
    destroy(res);
    const stalled = classifyUpstreamFailure(broke).cause === 'timeout';
    return {
      ...served,
      status: stalled ? 504 : 502,
      errorCode: stalled ? 'upstream_timeout' : 'upstream_error',
      errorMessage: 'the upstream broke off the audio before it finished',
    };
  }

  /** A streamed answer (images and transcriptions with `stream`, speech as SSE): events passed on as they come. */
  private async deliverEvents(
    response: UpstreamResponse,
    input: AttemptInput,
    plan: MediaAttemptPlan,
  ): Promise<AttemptResult> {
    const events = decodeSseStream(response.body)[Symbol.asyncIterator]();
    let first: IteratorResult<SseEvent>;
    try {
      first = await events.next();
    } catch (error) {
      return input.clientGone.aborted ? { kind: 'abandoned' } : failure(error, input);
    }
    if (first.done) return badResponse(200, 'the upstream ended the stream before its first event');
    // A stream that begins with an error has given the client nothing: another candidate may serve it.
    const refused = mediaEventError(first.value);
    if (refused !== null) {
      response.body.destroy();
      return { kind: 'retry', upstreamStatus: 200, reason: 'server_error', message: refused };
    }
    const { res } = input;
    res.status(200);
    for (const [name, value] of Object.entries(input.headers)) res.setHeader(name, value);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    const firstAt = Date.now();
    let said: MediaAnswerUsage = { images: null, seconds: null, tokens: null, text: null };
    let completed = 0;
    /** An in-band error the upstream sent (passed on to the client as it came). */
    let upstreamError: string | null = null;
    const watch = (event: SseEvent) => {
      if (/\.(completed|done)"/.test(event.data) || /\.(completed|done)$/.test(event.event ?? ''))
        completed++;
      said = mediaEventUsage(event.data) ?? said;
      upstreamError ??= mediaEventError(event);
    };
    let broke: unknown = null;
    try {
      watch(first.value);
      await writeWithBackpressure(res, encodeSseEvent(first.value));
      for (;;) {
        if (input.clientGone.aborted) break;
        const next = await events.next();
        if (next.done) break;
        watch(next.value);
        await writeWithBackpressure(res, encodeSseEvent(next.value));
      }
    } catch (error) {
      broke = error;
    }
    // An image stream's completed events count the images made: all of them, once it failed.
    const failed = broke !== null || upstreamError !== null;
    if (plan.request.endpoint.startsWith('images.') && (completed > 0 || failed))
      said = { ...said, images: completed };
    const served = this.served(plan, said, firstAt);
    if (input.clientGone.aborted) {
      response.body.destroy();
      return {
        ...served,
        status: 499,
        errorCode: 'client_closed_request',
        errorMessage: 'the client closed the connection',
      };
    }
    if (broke === null) {
      res.end();
      // The upstream's own error event ended it: the client has it already.
      if (upstreamError !== null)
        return { ...served, status: 502, errorCode: 'upstream_error', errorMessage: upstreamError };
      return served;
    }
    const stalled = classifyUpstreamFailure(broke).cause === 'timeout';
    const code = stalled ? 'upstream_timeout' : 'upstream_error';
    const message = stalled
      ? 'the upstream stalled and was cut off'
      : 'the upstream closed the stream before it finished';
    await writeWithBackpressure(res, encodeSseError({ message, type: 'server_error', code })).catch(
      () => undefined,
    );
    res.end();
    return { ...served, status: stalled ? 504 : 502, errorCode: code, errorMessage: message };
  }

  /** The served outcome, metered from what the answer said, else from the request's own measure. */
  private served(plan: MediaAttemptPlan, said: MediaAnswerUsage, firstContentAt: number | null): Served {
    const { metered, usage, usageSource } = meter(plan, said);
    return {
      kind: 'served',
      status: 200,
      usage,
      usageSource,
      firstContentAt,
      errorCode: null,
      errorMessage: null,
      metered,
    };
  }
}

/**
 * The usage to bill: images made (else the `n` asked), seconds the upstream heard (else the bound
 * from the upload's size), the input's characters, and tokens when the upstream reported them (for
 * moderations and rerank, else the gateway's count of the input; for a transcription that reports
 * nothing, the audio tokens held and the gateway's count of the transcript).
 */
export function meter(
  plan: MediaAttemptPlan,
  said: MediaAnswerUsage,
): { metered: MeteredUsage; usage: Usage; usageSource: Served['usageSource'] } {
  const tokens: MeteredTokens | null = said.tokens;
  const usage = said.tokens ?? ZERO_USAGE;
  const worst = plan.worst;
  switch (worst.kind) {
    case 'images':
      return {
        metered: { ...worst, count: said.images ?? worst.count, tokens },
        usage,
        usageSource: 'upstream',
      };
    case 'audio': {
      // An answer that reports neither seconds nor tokens (gpt-4o-transcribe's `text`, a server that
      // reports no usage) is billed, by a token price, at the audio tokens held and the transcript
      // as the gateway counts it. Only billed: the audio's tokens are a bound, not what the key used,
      // so the record's tokens (and the key's and the plan's token counts) stay what was reported.
      if (tokens === null && said.seconds === null && said.text !== null && worst.tokens !== null) {
        const counted: MeteredTokens = {
          promptTokens: worst.tokens.promptTokens,
          cachedTokens: 0,
          completionTokens: said.text === '' ? 0 : countTextTokens(said.text),
        };
        return {
          metered: { kind: 'audio', seconds: worst.seconds, tokens: counted },
          usage,
          usageSource: 'counted',
        };
      }
      return {
        metered: { kind: 'audio', seconds: said.seconds ?? worst.seconds, tokens },
        usage,
        usageSource: 'upstream',
      };
    }
    case 'speech':
      return { metered: { ...worst, tokens }, usage, usageSource: 'upstream' };
    case 'tokens': {
      if (tokens !== null) return { metered: { kind: 'tokens', tokens }, usage, usageSource: 'upstream' };
      const counted = countedTokens(plan.request);
      return { metered: { kind: 'tokens', tokens: counted }, usage: counted, usageSource: 'counted' };
    }
  }
}

/** The gateway's own count of a text route's input (moderations, rerank), for an answer without usage. */
function countedTokens(request: MediaRequest): Usage {
  const texts = request.worst.kind === 'text' ? request.worst.texts : [];
  const promptTokens = texts.reduce((sum, text) => sum + (text === '' ? 0 : countTextTokens(text)), 0);
  return { ...ZERO_USAGE, promptTokens };
}

function bodyOf(call: MediaCall): string | Readable {
  return typeof call.body === 'string' ? call.body : Readable.from(call.body.stream(), { objectMode: false });
}

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

function destroy(res: ClientResponse): void {
  const socketful = res as ClientResponse & { destroy?: () => void };
  if (typeof socketful.destroy === 'function') socketful.destroy();
  else res.end();
}

function badResponse(status: number, message: string): Retry {
  return { kind: 'retry', upstreamStatus: status, reason: 'bad_response', message };
}

function failure(error: unknown, input: AttemptInput): Retry {
  const failed = classifyUpstreamFailure(error);
  if (failed.cause === 'timeout') {
    return {
      kind: 'retry',
      upstreamStatus: null,
      reason: 'timeout',
      message: `${input.channel.name} did not answer in time`,
    };
  }
  return {
    kind: 'retry',
    upstreamStatus: null,
    reason: 'connect_error',
    message: `${input.channel.name} could not be reached${failed.code ? ` (${failed.code})` : ''}`,
  };
}
