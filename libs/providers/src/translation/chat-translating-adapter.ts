// A ProviderAdapter for an upstream that speaks another format than the client's chat completions:
// the request goes OpenAI chat → canonical → the upstream's format, and its answer and stream come
// back the other way. Same-format channels (OpenAI-compatible) do not use it: their bodies pass
// through untouched (openai-adapter.ts).
import type {
  CanonicalCodec,
  CanonicalRequest,
  CanonicalResponse,
  CanonicalStreamDecoder,
  CanonicalStreamEncoder,
  CanonicalStreamEvent,
  CanonicalUsage,
} from '../canonical/canonical-model';
import type { UpstreamErrorClassifier } from '../errors/classify-upstream-error';
import { maskSecrets } from '../errors/mask-secrets';
import { PROMPT_BLOCKED_CODE } from '../gemini/error';
import { openAiChatCodec } from '../openai/chat-codec';
import type {
  ObservedEvent,
  PreparedRequest,
  PrepareRequestInput,
  ProviderAdapter,
  ResponseUsage,
  StreamObserver,
  StreamObserverOptions,
  StreamOutcome,
  TranslatedResponse,
} from '../provider-adapter';
import { encodeSseEvent } from '../sse/sse-encoder';
import type { SseEvent } from '../sse/sse-event';
import { CompletionTokenCounter, countTextTokens } from '../usage/token-counter';
import { promptCountOf, type PromptCount, type Usage } from '../usage/usage';
import { RequestValidationError } from '../validation/request-validation-error';

/** The adapter of a channel type whose wire format is `codec`, for /v1/chat/completions clients. */
export function chatTranslatingAdapter(
  codec: CanonicalCodec,
  classifyError: UpstreamErrorClassifier,
): ProviderAdapter {
  const translate = (body: unknown, promptTokens: PromptCount): TranslatedResponse => {
    let answer: CanonicalResponse;
    try {
      answer = codec.decodeResponse(body);
    } catch (error) {
      // A refusal of the request (Gemini's blocked prompt names its own `contents`): for a chat
      // client it is about its `messages`.
      if (error instanceof RequestValidationError)
        throw new RequestValidationError('messages', error.message);
      throw error;
    }
    const read = answerUsage(answer, promptTokens);
    return { body: openAiChatCodec.encodeResponse(answeredWith(answer, read)), ...read };
  };
  return {
    // Legacy completions and embeddings have no canonical form; another format cannot serve them.
    endpoints: ['chat.completions'],
    codec,
    prepareRequest: (input) => prepareRequest(codec, input),
    createStreamObserver: (options) => new TranslatingStreamObserver(codec.createStreamDecoder(), options),
    responseUsage: (body, promptTokens) => {
      const { usage, usageSource } = translate(body, promptTokens);
      return { usage, usageSource };
    },
    translateResponse: translate,
    classifyError,
  };
}

function prepareRequest(codec: CanonicalCodec, input: PrepareRequestInput): PreparedRequest {
  const { request } = input;
  if (request.endpoint !== 'chat.completions') {
    throw new RequestValidationError(
      'model',
      `The model ${request.model} is served here only through /v1/chat/completions.`,
    );
  }
  const parsed = openAiChatCodec.parseRequest(request.body);
  // The hold is a ceiling: an upstream is never left to pick its own (possibly larger) limit. A
  // gateway that holds nothing (BILLING_DEFAULT_MAX_TOKENS=0) leaves it to the format's own rule.
  const held = input.heldOutputTokens > 0 ? input.heldOutputTokens : null;
  const canonical: CanonicalRequest = { ...parsed, maxOutputTokens: parsed.maxOutputTokens ?? held };
  const call = codec.buildRequest(canonical, {
    baseUrl: input.baseUrl,
    apiKey: input.apiKey,
    upstreamModel: input.upstreamModel,
    settings: input.settings,
  });
  return { ...call, clientAskedForUsage: canonical.includeUsage === true, clientRequest: canonical };
}

/** The gateway's Usage from a canonical count: cache reads and cache writes apart, both inside promptTokens. */
export function toUsage(usage: CanonicalUsage): Usage {
  return {
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    cachedTokens: usage.cachedTokens,
    cacheWriteTokens: usage.cacheWriteTokens,
    reasoningTokens: usage.reasoningTokens,
  };
}

/** Usage as a canonical count (a cache write the format did not report is 0). */
function canonicalOf(usage: Usage): CanonicalUsage {
  return { ...usage, cacheWriteTokens: usage.cacheWriteTokens ?? 0 };
}

/**
 * The answer as the client is sent it: with the upstream's usage, or, when the upstream reported
 * none, with the gateway's count that the request is billed at (not zeros, nor none at all).
 */
export function answeredWith(answer: CanonicalResponse, read: ResponseUsage): CanonicalResponse {
  return answer.usage !== null || read.usage === null
    ? answer
    : { ...answer, usage: canonicalOf(read.usage) };
}

export function answerUsage(answer: CanonicalResponse, promptTokens: PromptCount): ResponseUsage {
  if (answer.usage !== null) return { usage: toUsage(answer.usage), usageSource: 'upstream' };
  let completion = 0;
  let reasoning = 0;
  for (const part of answer.content) {
    if (part.type === 'text') completion += countTextTokens(part.text);
    else if (part.type === 'thinking') reasoning += countTextTokens(part.text);
    else completion += countTextTokens(part.name) + countTextTokens(part.arguments);
  }
  return {
    usage: {
      promptTokens: promptCountOf(promptTokens),
      completionTokens: completion + reasoning,
      cachedTokens: 0,
      reasoningTokens: reasoning,
    },
    usageSource: 'counted',
  };
}

const SUPPRESS: ObservedEvent = { suppress: true };
const utf8 = new TextDecoder();

/**
 * Decodes the upstream's events into canonical ones and writes them as chat completion chunks,
 * keeping the same counts and flags as the pass-through observer (usage, first content, finish,
 * clean end, in-stream error). A clean end is a finish followed by the upstream closing the stream
 * without a network error; only then does the client get `[DONE]`.
 */
export class TranslatingStreamObserver implements StreamObserver {
  private readonly encoder: CanonicalStreamEncoder;
  private readonly now: () => number;
  private readonly completion = new CompletionTokenCounter();
  private readonly reasoning = new CompletionTokenCounter();
  private readonly toolNames = new CompletionTokenCounter();
  private upstreamUsage: Usage | null = null;
  /** The upstream's usage is its final count, not one so far (CanonicalStreamEvent `partial`). */
  private usageFinal = false;
  private finishReason: string | null = null;
  private sawChunk = false;
  private sawDone = false;
  private firstContentAt: number | null = null;
  private upstreamError: string | null = null;
  private held = '';
  private released = false;
  private clientFault = false;

  /**
   * `encoder` writes the client's format (OpenAI chat unless given). With `passThrough` the client
   * speaks the upstream's own format: each upstream event is decoded only for the counts and flags
   * and forwarded as it came (its own terminator included); the encoder only writes a broken
   * stream's error event.
   */
  constructor(
    private readonly decoder: CanonicalStreamDecoder,
    private readonly options: StreamObserverOptions,
    encoder?: CanonicalStreamEncoder,
    private readonly passThrough = false,
  ) {
    this.encoder = encoder ?? openAiChatCodec.createStreamEncoder(options.clientRequest);
    this.now = options.now ?? Date.now;
  }

  observe(event: SseEvent): ObservedEvent {
    this.sawChunk = true;
    const written = this.write(this.decoder.decode(event.event ?? null, event.data));
    const text = this.release(this.passThrough ? utf8.decode(encodeSseEvent(event)) : written);
    return text === '' ? SUPPRESS : { suppress: false, text };
  }

  end(): string {
    const written = this.write(this.decoder.end());
    let text = this.held + (this.passThrough ? '' : written);
    this.held = '';
    if (this.finishReason !== null && this.upstreamError === null) {
      this.sawDone = true;
      if (!this.passThrough) text += this.encoder.finish();
    }
    return text;
  }

  fail(message: string, code: string): string {
    const held = this.held;
    this.held = '';
    return held + this.encoder.fail(message, code);
  }

  /**
   * Holds the text written before anything generated (the role chunk Anthropic's message_start
   * yields) so the relay has not committed to this upstream when an error follows: it can still
   * fail over. Content, a finish or an error releases it.
   */
  private release(text: string): string {
    if (this.released) return text;
    this.held += text;
    if (this.firstContentAt === null && this.finishReason === null && this.upstreamError === null) return '';
    this.released = true;
    const all = this.held;
    this.held = '';
    return all;
  }

  outcome(): StreamOutcome {
    // A getter: the relay asks for the outcome's error before the stream is over, and the gateway's
    // own count (the tokenizer) is made only if the usage is read and the upstream reported none.
    const reported = this.usageFinal ? this.upstreamUsage : null;
    const usage = () => reported ?? (this.sawChunk ? this.counted() : null);
    return {
      get usage() {
        return usage();
      },
      usageSource: reported !== null ? 'upstream' : 'counted',
      finishReason: this.finishReason,
      sawDone: this.sawDone,
      firstContentAt: this.firstContentAt,
      upstreamError: this.upstreamError,
      clientFault: this.clientFault,
    };
  }

  /**
   * The gateway's own count, for a stream without the upstream's final one (only then is the text
   * counted): one that reported none, or broke off (the client left, the connection dropped, an
   * error event) after a count so far. Such a count keeps its prompt (Anthropic's message_start
   * gives the real input count), and its output is never taken below what was relayed.
   */
  private counted(): Usage {
    const reasoningTokens = this.reasoning.total;
    const completionTokens = this.completion.total + this.toolNames.total + reasoningTokens;
    const sofar = this.upstreamUsage;
    if (sofar === null || sofar.promptTokens <= 0) {
      return {
        promptTokens: promptCountOf(this.options.promptTokens),
        completionTokens: Math.max(completionTokens, sofar?.completionTokens ?? 0),
        cachedTokens: 0,
        reasoningTokens,
      };
    }
    return {
      ...sofar,
      completionTokens: Math.max(completionTokens, sofar.completionTokens),
      reasoningTokens: Math.max(reasoningTokens, sofar.reasoningTokens),
    };
  }

  private write(events: CanonicalStreamEvent[]): string {
    let text = '';
    for (const event of events) {
      // A finish with no final count from the upstream: the client is told the count it is billed at
      // (its format writes usage with or before the finish), not zeros or nothing.
      if (event.type === 'finish' && !this.usageFinal && !this.passThrough) {
        text += this.encoder.encode({ type: 'usage', usage: canonicalOf(this.counted()) });
      }
      text += this.encoder.encode(this.note(event));
    }
    return text;
  }

  /** Keeps the counts and flags; returns the event to encode (an error's message masked). */
  private note(event: CanonicalStreamEvent): CanonicalStreamEvent {
    switch (event.type) {
      case 'text_delta':
        this.markContent();
        this.completion.add(event.text);
        break;
      case 'thinking_delta':
        this.markContent();
        this.reasoning.add(event.text);
        break;
      case 'tool_call_start':
        this.markContent();
        this.toolNames.addWhole(event.name);
        break;
      case 'tool_call_delta':
        this.completion.add(event.arguments);
        break;
      case 'usage':
        this.upstreamUsage = toUsage(event.usage);
        this.usageFinal = event.partial !== true;
        break;
      case 'finish':
        this.finishReason = event.finishReason;
        break;
      case 'error': {
        const message = maskSecrets(event.message, this.options.secrets ?? []);
        this.upstreamError = message;
        this.clientFault = event.code === PROMPT_BLOCKED_CODE;
        return { ...event, message };
      }
      default:
        break;
    }
    return event;
  }

  private markContent(): void {
    this.firstContentAt ??= this.now();
  }
}
