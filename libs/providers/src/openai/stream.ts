// Watches an OpenAI-format stream (chat or legacy completions) as the relay passes it on: usage,
// first content, finish reason, [DONE], and a running completion token count for when the
// upstream reports no usage. It keeps numbers and flags only, never the streamed text.
import { maskSecrets } from '../errors/mask-secrets';
import { isJsonObject, type JsonObject } from '../json/json-object';
import type {
  ObservedEvent,
  StreamObserver,
  StreamObserverOptions,
  StreamOutcome,
} from '../provider-adapter';
import { isDoneEvent, type SseEvent } from '../sse/sse-event';
import { CompletionTokenCounter } from '../usage/token-counter';
import { promptCountOf, type Usage } from '../usage/usage';
import { chatUsage } from './chat-canonical-response';
import { parseOpenAiUsage } from './usage';

const SUPPRESS: ObservedEvent = { suppress: true };

export class OpenAiStreamObserver implements StreamObserver {
  private readonly now: () => number;
  private readonly completion = new PieceCounters();
  private readonly reasoning = new PieceCounters();
  private upstreamUsage: Usage | null = null;
  private finishReason: string | null = null;
  private sawDone = false;
  private sawChunk = false;
  /** The first chunk's identity (id, model…), kept only for a client that asked for usage. */
  private head: JsonObject | null = null;
  /** A usage-only chunk went to the client (the upstream's, or the gateway's in its place). */
  private toldUsage = false;
  private firstContentAt: number | null = null;
  private upstreamError: string | null = null;

  constructor(private readonly options: StreamObserverOptions) {
    this.now = options.now ?? Date.now;
  }

  observe(event: SseEvent): ObservedEvent {
    // Nothing after [DONE] is part of the answer; it is still forwarded, not interpreted.
    if (this.sawDone) return { suppress: false, event };
    if (isDoneEvent(event)) {
      this.sawDone = true;
      // A client that asked for usage from an upstream that sent none gets, as OpenAI ends such a
      // stream, a last chunk with empty choices and the usage the gateway counted (and bills).
      return this.head !== null && !this.toldUsage && this.upstreamUsage === null
        ? { suppress: false, text: `${this.countedUsageChunk()}data: [DONE]\n\n` }
        : { suppress: false, event };
    }
    const chunk = parseJson(event.data);
    // A data event that is not a JSON object (a vendor's keep-alive text, a broken line) is dropped:
    // OpenAI's SDKs parse every data event but [DONE], and one of these would fail the client's
    // whole stream. (Comments, the usual keep-alive, never reach here.)
    if (!isJsonObject(chunk)) return SUPPRESS;
    if (!this.sawChunk) this.first(chunk);
    if (isJsonObject(chunk['error'])) return this.observeError(event, chunk['error']);

    const usage = parseOpenAiUsage(chunk['usage']);
    if (usage !== null) this.upstreamUsage = usage;
    const choices = chunk['choices'];
    if (Array.isArray(choices)) for (const choice of choices) this.observeChoice(choice);
    // The usage-only chunk that include_usage adds comes with empty choices; a client that did not
    // ask for it must not see it (an SDK not expecting it could index choices[0]).
    const usageOnly = isJsonObject(chunk['usage']) && Array.isArray(choices) && choices.length === 0;
    if (!usageOnly) return { suppress: false, event };
    if (!this.options.clientAskedForUsage) return SUPPRESS;
    this.toldUsage = true;
    // The client is told what is billed: an upstream count of no output (or of nothing) for a stream
    // that carried some is replaced by the gateway's.
    return this.reported() !== null
      ? { suppress: false, event }
      : { suppress: false, text: this.countedUsageChunk() };
  }

  outcome(): StreamOutcome {
    // A getter: the relay asks for the outcome's error before the stream is over, and the gateway's
    // own count (the tokenizer) is made only if the usage is read and the upstream reported none.
    // An upstream that reports no output for a stream that carried some is counted for its output.
    const reported = this.reported();
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
    };
  }

  private first(chunk: JsonObject): void {
    this.sawChunk = true;
    if (!this.options.clientAskedForUsage) return;
    const { id, object, created, model, system_fingerprint } = chunk;
    this.head = { id, object: object ?? 'chat.completion.chunk', created, model, system_fingerprint };
  }

  /** The upstream's usage when it is billed as reported: null when it sent none, or no output for some. */
  private reported(): Usage | null {
    const usage = this.upstreamUsage;
    return usage !== null && (usage.completionTokens > 0 || this.firstContentAt === null) ? usage : null;
  }

  /** OpenAI's usage-only chunk (the stream's identity, empty choices) with the gateway's count. */
  private countedUsageChunk(): string {
    const usage = chatUsage({ ...this.counted(), cacheWriteTokens: 0 });
    return `data: ${JSON.stringify({ ...this.head, choices: [], usage })}\n\n`;
  }

  /** The gateway's own count, for an upstream that reported none (only then is the text counted). */
  private counted(): Usage {
    const reasoningTokens = this.reasoning.total;
    const completion = { completionTokens: this.completion.total + reasoningTokens, reasoningTokens };
    // The upstream's prompt count, when it gave one, is better than the gateway's.
    if (this.upstreamUsage !== null) return { ...this.upstreamUsage, ...completion };
    return { promptTokens: promptCountOf(this.options.promptTokens), cachedTokens: 0, ...completion };
  }

  private observeChoice(choice: unknown): void {
    if (!isJsonObject(choice)) return;
    const index = typeof choice['index'] === 'number' ? choice['index'] : 0;
    if (typeof choice['finish_reason'] === 'string') this.finishReason = choice['finish_reason'];
    this.addPiece(this.completion, index, 'text', choice['text']); // legacy completions
    const delta = choice['delta'];
    if (!isJsonObject(delta)) return;
    this.addPiece(this.completion, index, 'content', delta['content']);
    this.addPiece(this.completion, index, 'refusal', delta['refusal']);
    // DeepSeek and vLLM send `reasoning_content`, OpenRouter `reasoning`.
    this.addPiece(this.reasoning, index, 'reasoning_content', delta['reasoning_content']);
    this.addPiece(this.reasoning, index, 'reasoning', delta['reasoning']);
    if (Array.isArray(delta['tool_calls'])) {
      for (const call of delta['tool_calls']) this.observeToolCall(index, call);
    }
  }

  private observeToolCall(choiceIndex: number, call: unknown): void {
    if (!isJsonObject(call) || !isJsonObject(call['function'])) return;
    const fn = call['function'];
    const callIndex = typeof call['index'] === 'number' ? call['index'] : 0;
    // The name arrives whole in one chunk; the arguments arrive in pieces.
    if (typeof fn['name'] === 'string' && fn['name'] !== '') {
      this.markContent();
      this.completion.addWhole(fn['name']);
    }
    this.addPiece(this.completion, choiceIndex, `tool:${callIndex}`, fn['arguments']);
  }

  /**
   * A piece of a choice's field; the counter's key (choice and field) is made only for a real piece,
   * and for the first choice, nearly every stream's only one, it is the field's name itself.
   */
  private addPiece(counters: PieceCounters, index: number, field: string, piece: unknown): void {
    if (typeof piece !== 'string' || piece === '') return;
    this.markContent();
    counters.add(index === 0 ? field : `${index}:${field}`, piece);
  }

  private markContent(): void {
    this.firstContentAt ??= this.now();
  }

  private observeError(event: SseEvent, error: JsonObject): ObservedEvent {
    const secrets = this.options.secrets ?? [];
    const message = typeof error['message'] === 'string' ? error['message'] : 'upstream error';
    this.upstreamError = maskSecrets(message, secrets);
    const data = maskSecrets(event.data, secrets);
    return { suppress: false, event: data === event.data ? event : { ...event, data } };
  }
}

/** Counters per choice and field, so pieces of interleaved choices never join into one word. */
class PieceCounters {
  /** More keys than this means a hostile or broken upstream; counts are folded, not kept apart. */
  private static readonly MAX_KEYS = 512;
  private readonly counters = new Map<string, CompletionTokenCounter>();
  private folded = 0;
  private readonly wholes = new CompletionTokenCounter();

  add(key: string, piece: string): void {
    let counter = this.counters.get(key);
    if (counter === undefined) {
      if (this.counters.size >= PieceCounters.MAX_KEYS) this.fold();
      counter = new CompletionTokenCounter();
      this.counters.set(key, counter);
    }
    counter.add(piece);
  }

  /** A text that arrives whole (a tool call's name), counted on its own. */
  addWhole(text: string): void {
    this.wholes.addWhole(text);
  }

  get total(): number {
    let total = this.folded + this.wholes.total;
    for (const counter of this.counters.values()) total += counter.total;
    return total;
  }

  private fold(): void {
    for (const counter of this.counters.values()) this.folded += counter.total;
    this.counters.clear();
  }
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
