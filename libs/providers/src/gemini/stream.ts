// streamGenerateContent?alt=sse, both ways. Each `data:` event is a whole GenerateContentResponse
// holding the next parts of the answer; a functionCall arrives whole in one of them; usageMetadata
// grows chunk by chunk and the final counts (and the finishReason) may come in a last chunk with no
// parts at all. There is no end marker: a clean end is a finishReason, then the connection closing.
import type {
  CanonicalFinishReason,
  CanonicalStreamDecoder,
  CanonicalStreamEncoder,
  CanonicalStreamEvent,
  CanonicalText,
  CanonicalThinking,
  CanonicalToolCall,
  CanonicalUsage,
} from '../canonical/canonical-model';
import { isJsonObject } from '../json/json-object';
import { JsonObjectEnd } from '../json/json-object-end';
import { blockedPromptMessage, blockReasonOf, geminiErrorBody, PROMPT_BLOCKED_CODE } from './error';
import { canonicalFinishReason, geminiFinishReason, MALFORMED_FUNCTION_CALL } from './finish-reason';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart } from './gemini-wire';
import { CanonicalPartsBuilder, GEMINI_SIGNER, tryArgumentsObject } from './parts';
import { readAnswerParts, syntheticCallId } from './response';
import { canonicalUsage, geminiUsageMetadata } from './usage';

type AnswerPart = CanonicalText | CanonicalToolCall | CanonicalThinking;

/**
 * Gemini chunks → canonical events. Usage and the finish reason are held until the stream ends, so
 * they come once, with the last counts, whichever chunk carried them; a stream that ends before its
 * finishReason yields the usage seen so far, marked partial, and no `finish`. A blocked prompt becomes an `error`
 * with code `prompt_blocked` (the client's fault); Google's `{"error":…}` chunk an `error` with its
 * status.
 */
export class GeminiStreamDecoder implements CanonicalStreamDecoder {
  private started = false;
  private responseId = '';
  private calls = 0;
  private finishReason: string | undefined;
  private usage: CanonicalUsage | null = null;

  decode(_event: string | null, data: string): CanonicalStreamEvent[] {
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return [{ type: 'error', message: 'The upstream sent a stream chunk that is not JSON.', code: null }];
    }
    if (!isJsonObject(chunk)) return [];
    const error = chunk['error'];
    if (isJsonObject(error)) {
      const message =
        typeof error['message'] === 'string' ? error['message'] : 'The upstream reported an error.';
      const code =
        typeof error['status'] === 'string'
          ? error['status']
          : typeof error['code'] === 'number'
            ? String(error['code'])
            : null;
      return [{ type: 'error', message, code }];
    }
    const events: CanonicalStreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      this.responseId = typeof chunk['responseId'] === 'string' ? chunk['responseId'] : '';
      const model = typeof chunk['modelVersion'] === 'string' ? chunk['modelVersion'] : '';
      events.push({ type: 'start', id: this.responseId, model });
    }
    this.usage = canonicalUsage(chunk['usageMetadata']) ?? this.usage;
    const candidates = Array.isArray(chunk['candidates']) ? chunk['candidates'] : [];
    const candidate = isJsonObject(candidates[0]) ? candidates[0] : null;
    const blocked = blockReasonOf(chunk);
    if (blocked !== null && candidate === null) {
      events.push({
        type: 'error',
        message: blockedPromptMessage(blocked.reason, blocked.message),
        code: PROMPT_BLOCKED_CODE,
      });
      return events;
    }
    if (candidate === null) return events;
    if (typeof candidate['finishReason'] === 'string') this.finishReason = candidate['finishReason'];
    const content = isJsonObject(candidate['content']) ? candidate['content'] : {};
    const builder = new CanonicalPartsBuilder<AnswerPart>(GEMINI_SIGNER);
    const first = this.calls;
    this.calls += readAnswerParts(
      content['parts'],
      builder,
      (index) => syntheticCallId(this.responseId, index),
      first,
    );
    let index = first;
    for (const part of builder.parts) {
      if (part.type === 'text') {
        if (part.text !== '') events.push({ type: 'text_delta', text: part.text });
      } else if (part.type === 'thinking') {
        if (part.text !== '') events.push({ type: 'thinking_delta', text: part.text });
        if (part.signature !== undefined)
          events.push({ type: 'thinking_signature', signature: part.signature, signedBy: GEMINI_SIGNER });
      } else {
        events.push({ type: 'tool_call_start', index, id: part.id, name: part.name });
        events.push({ type: 'tool_call_delta', index, arguments: part.arguments });
        index++;
      }
    }
    return events;
  }

  end(): CanonicalStreamEvent[] {
    const events: CanonicalStreamEvent[] = [];
    // Google repeats the counts so far in every chunk; they are final only in the finishing one's.
    if (this.usage !== null) {
      events.push(
        this.finishReason === undefined
          ? { type: 'usage', usage: this.usage, partial: true }
          : { type: 'usage', usage: this.usage },
      );
    }
    const finishReason = canonicalFinishReason(this.finishReason, this.calls > 0);
    if (finishReason !== null) events.push({ type: 'finish', finishReason });
    return events;
  }
}

interface OpenCall {
  id: string;
  name: string;
  arguments: string;
  /** Whether `arguments` holds a whole object yet (an OpenAI upstream interleaves parallel calls). */
  readonly end: JsonObjectEnd;
  /**
   * What its arguments open with: an object, something else (a model's slip: a bare string, an
   * array, text, which can never be Gemini's `args` and has no end to wait for), or nothing yet.
   */
  shape: 'pending' | 'object' | 'other';
}

/** `data: <JSON>` framed as Google frames it (CRLF line ends). */
function frame(chunk: GeminiGenerateContentResponse | object): string {
  return `data: ${JSON.stringify(chunk)}\r\n\r\n`;
}

/**
 * Canonical events → the SSE a @google/genai client reads. A call's arguments are collected and sent
 * whole (Gemini never splits a functionCall) once the call is complete: when anything else arrives
 * after its arguments closed their object, or the stream finishes. A call still mid-object stays
 * open (parallel calls' arguments interleave, and text or a running usage count may come between
 * their pieces), and so do the calls after it, which keeps the calls in order; a call whose
 * arguments open with anything but `{` (a model's slip) can never be written and holds nothing up.
 * A call that is not a JSON object is left out and the answer ends MALFORMED_FUNCTION_CALL, or
 * MAX_TOKENS when the length limit cut it. Every chunk carries at least one non-empty part and the
 * last one the finishReason and usage: a chat session (`ai.chats`) records its history only then.
 */
export class GeminiStreamEncoder implements CanonicalStreamEncoder {
  private id = '';
  private model = '';
  private readonly open = new Map<number, OpenCall>();
  private finishReason: CanonicalFinishReason | null = null;
  private usage: CanonicalUsage | null = null;
  /** The first call that could not be written as Gemini's `args`, named in the finishMessage. */
  private malformed: OpenCall | null = null;
  /** Calls settled as slips, by index: the rest of their arguments still comes, for the message. */
  private readonly slips = new Map<number, OpenCall>();

  encode(event: CanonicalStreamEvent): string {
    switch (event.type) {
      case 'start':
        this.id = event.id;
        this.model = event.model;
        return '';
      case 'tool_call_start':
        this.open.set(event.index, {
          id: event.id,
          name: event.name,
          arguments: '',
          end: new JsonObjectEnd(),
          shape: 'pending',
        });
        return '';
      case 'tool_call_delta': {
        const call = this.open.get(event.index) ?? this.slips.get(event.index);
        if (call === undefined) return '';
        if (call.shape === 'pending') {
          const opening = event.arguments.trimStart();
          if (opening !== '') call.shape = opening.startsWith('{') ? 'object' : 'other';
        }
        // What follows a whole object is left out (a server resending the arguments after them).
        call.arguments +=
          call.shape === 'other' ? event.arguments : event.arguments.slice(0, call.end.push(event.arguments));
        return '';
      }
      case 'text_delta':
        return this.flush() + (event.text === '' ? '' : this.chunk([{ text: event.text }]));
      case 'thinking_delta':
        return this.flush() + (event.text === '' ? '' : this.chunk([{ text: event.text, thought: true }]));
      case 'thinking_signature':
        return this.flush() + this.chunk([{ text: '', thought: true, thoughtSignature: event.signature }]);
      case 'thinking_redacted':
        // Anthropic's encrypted reasoning means nothing to Gemini and must not reach its client.
        return '';
      case 'usage':
        this.usage = event.usage;
        return this.flush();
      case 'finish':
        this.finishReason = event.finishReason;
        return '';
      case 'error':
        return this.fail(event.message, event.code ?? 'upstream_error');
    }
  }

  finish(): string {
    const parts = this.takeCalls('all');
    // A length limit that cut a call's arguments is why it is no call: Gemini says MAX_TOKENS then.
    const malformed = this.finishReason === 'length' ? null : this.malformed;
    const candidate: GeminiCandidate = {
      content: { role: 'model', parts: parts.length > 0 ? parts : [{ text: '' }] },
      finishReason: malformed === null ? geminiFinishReason(this.finishReason) : MALFORMED_FUNCTION_CALL,
      index: 0,
    };
    if (malformed !== null)
      candidate.finishMessage = `Malformed function call: ${malformed.name}(${malformed.arguments})`;
    return frame({
      candidates: [candidate],
      ...(this.usage === null ? {} : { usageMetadata: geminiUsageMetadata(this.usage) }),
      modelVersion: this.model,
      responseId: this.id,
    });
  }

  /** Google's error object as a chunk; @google/genai throws an ApiError on it. Open calls are dropped. */
  fail(message: string, code: string): string {
    this.open.clear();
    this.slips.clear();
    return frame(geminiErrorBody({ status: 500, message, code }));
  }

  private chunk(parts: GeminiPart[]): string {
    return frame({
      candidates: [{ content: { role: 'model', parts }, index: 0 }],
      modelVersion: this.model,
      responseId: this.id,
    });
  }

  private flush(): string {
    const parts = this.takeCalls('whole');
    return parts.length === 0 ? '' : this.chunk(parts);
  }

  /**
   * Open calls as parts, in index order, closing them: `all` at the end; `whole` mid-stream, the
   * leading ones that are settled (arguments a whole object, or a slip), up to the first that is
   * not. A call whose arguments are not a JSON object is left out (a slip as soon as it shows).
   */
  private takeCalls(which: 'all' | 'whole'): GeminiPart[] {
    const parts: GeminiPart[] = [];
    for (const [index, call] of [...this.open.entries()].sort(([a], [b]) => a - b)) {
      if (which === 'whole' && !call.end.complete && call.shape !== 'other') break;
      this.open.delete(index);
      if (call.shape === 'other') this.slips.set(index, call);
      const args = call.shape === 'other' ? null : tryArgumentsObject(call.arguments);
      if (args === null) this.malformed ??= call;
      else parts.push({ functionCall: { id: call.id, name: call.name, args } });
    }
    return parts;
  }
}
