// Watches an OpenAI-format stream (chat or legacy completions) as the relay passes it on: usage,
// first content, finish reason, [DONE], and a running completion token count for when the
// upstream reports no usage. It keeps numbers and flags only, never the streamed text.
import { maskSecrets } from '../errors/mask-secrets';
import { isJsonObject, type JsonObject, parseJsonOrUndefined } from '../json/json-object';
import type {
  ObservedEvent,
  StreamObserver,
  StreamObserverOptions,
  StreamOutcome,
} from '../provider-adapter';
import { sseEventText } from '../sse/sse-encoder';
import { isDoneEvent, type SseEvent } from '../sse/sse-event';
import { CompletionTokenCounter } from '../usage/token-counter';
import { promptCountOf, type Usage } from '../usage/usage';
import { chatUsage } from './chat-canonical-response';
import { ChunkFrame } from './chunk-frame';
import { ToolArgumentsPieces } from './tool-arguments-pieces';
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
  /**
   * Each streamed tool call's arguments (by choice and call), read as incremental or cumulative: some
   * OpenAI-compatible servers send the arguments so far in every chunk, which a client's SDK would
   * append into broken JSON. Made at a call's first arguments; a plain text stream has none.
   */
  private readonly toolArguments = new Map<
    string,
    { choice: number; call: number; pieces: ToolArgumentsPieces }
  >();
  /** The chunk being observed had a call's arguments rewritten to their new part: it is sent re-encoded. */
  private rewritten = false;
  /** The stream's identity (id, model…), kept once it has a tool call, for a chunk sent at [DONE]. */
  private identity: JsonObject | null = null;
  /** The frame its text chunks repeat, read without a parse; null: every chunk is parsed. */
  private readonly frame: ChunkFrame | null;

  /** `framed` false parses every chunk (a test's reference for the frame's reading). */
  constructor(
    private readonly options: StreamObserverOptions,
    framed = true,
  ) {
    this.now = options.now ?? Date.now;
    this.frame = framed ? new ChunkFrame() : null;
  }

  observe(event: SseEvent): ObservedEvent {
    // Nothing after [DONE] is part of the answer; it is still forwarded, not interpreted.
    if (this.sawDone) return { suppress: false, event };
    if (isDoneEvent(event)) {
      this.sawDone = true;
      const held = this.heldArguments(null);
      // A client that asked for usage from an upstream that sent none gets, as OpenAI ends such a
      // stream, a last chunk with empty choices and the usage the gateway counted (and bills).
      if (this.head !== null && !this.toldUsage && this.upstreamUsage === null)
        return { suppress: false, text: `${held}${this.countedUsageChunk()}data: [DONE]\n\n` };
      return held === '' ? { suppress: false, event } : { suppress: false, text: `${held}data: [DONE]\n\n` };
    }
    // A piece of text in the frame of one parsed before (chunk-frame.ts): the chunk it is, unparsed.
    // (It finishes nothing: a finish reason is not in the frame, so held tool arguments stay held.)
    const framed = this.frame?.match(event.data) ?? null;
    if (framed !== null) {
      const counters = framed.field === 'content' ? this.completion : this.reasoning;
      this.addPiece(counters, 0, framed.field, framed.text);
      return { suppress: false, event };
    }
    const chunk = parseJsonOrUndefined(event.data);
    // A data event that is not a JSON object (a vendor's keep-alive text, a broken line) is dropped:
    // OpenAI's SDKs parse every data event but [DONE], and one of these would fail the client's
    // whole stream. (Comments, the usual keep-alive, never reach here.)
    if (!isJsonObject(chunk)) return SUPPRESS;
    if (!this.sawChunk) this.first(chunk);
    if (isJsonObject(chunk['error'])) return this.observeError(event, chunk['error']);

    const usage = parseOpenAiUsage(chunk['usage']);
    if (usage !== null) this.upstreamUsage = usage;
    const choices = chunk['choices'];
    this.rewritten = false;
    if (Array.isArray(choices)) for (const choice of choices) this.observeChoice(choice);
    // What a call still holds goes out ahead of the chunk that finishes its choice (which may have
    // brought it: a chunk can carry a call's last piece and the finish reason).
    const held = this.toolArguments.size > 0 ? this.heldArguments(chunk) : '';
    if (this.identity === null && this.toolArguments.size > 0) this.identity = identityOf(chunk);
    if (this.rewritten || held !== '') {
      const text = this.rewritten ? `data: ${JSON.stringify(chunk)}\n\n` : sseEventText(event);
      return { suppress: false, text: `${held}${text}` };
    }
    // The usage-only chunk that include_usage adds comes with empty choices; a client that did not
    // ask for it must not see it (an SDK not expecting it could index choices[0]).
    const usageOnly = isJsonObject(chunk['usage']) && Array.isArray(choices) && choices.length === 0;
    if (!usageOnly) {
      this.frame?.learn(event.data, chunk);
      return { suppress: false, event };
    }
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
    if (reported !== null) {
      // The usual case needs no getter: an object literal's accessor is defined through V8's runtime,
      // about 4 k instructions each time (issue #16).
      return {
        usage: reported,
        usageSource: 'upstream',
        finishReason: this.finishReason,
        sawDone: this.sawDone,
        firstContentAt: this.firstContentAt,
        upstreamError: this.upstreamError,
      };
    }
    const counted = () => (this.sawChunk ? this.counted() : null);
    return {
      get usage() {
        return counted();
      },
      usageSource: 'counted',
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
    const piece = fn['arguments'];
    if (typeof piece !== 'string' || piece === '') return;
    const added = this.toolArgumentsOf(choiceIndex, callIndex)?.push(piece) ?? piece;
    if (added !== piece) {
      fn['arguments'] = added;
      this.rewritten = true;
    }
    this.addPiece(this.completion, choiceIndex, `tool:${callIndex}`, added);
  }

  /** A call's arguments reader, unless a hostile stream already made too many. */
  private toolArgumentsOf(choice: number, call: number): ToolArgumentsPieces | null {
    const key = `${choice}:${call}`;
    let entry = this.toolArguments.get(key);
    if (entry === undefined) {
      if (this.toolArguments.size >= MAX_TOOL_CALLS) return null;
      entry = { choice, call, pieces: new ToolArgumentsPieces() };
      this.toolArguments.set(key, entry);
    }
    return entry.pieces;
  }

  /**
   * The chunk that gives a call its held arguments (a piece kept until the next told whether the
   * upstream resends the text so far), for the calls of the choices `chunk` finishes, or of every
   * choice at the end (`chunk` null); counted as the stream's output. Empty when none holds any.
   */
  private heldArguments(chunk: JsonObject | null): string {
    const finishing = chunk === null ? null : finishedChoices(chunk);
    if (finishing !== null && finishing.size === 0) return '';
    let text = '';
    for (const { choice, call, pieces } of this.toolArguments.values()) {
      if (finishing !== null && !finishing.has(choice)) continue;
      const rest = pieces.end();
      if (rest === '') continue;
      this.addPiece(this.completion, choice, `tool:${call}`, rest);
      const delta = { tool_calls: [{ index: call, function: { arguments: rest } }] };
      const held = chunk === null ? (this.identity ?? identityOf({})) : identityOf(chunk);
      text += `data: ${JSON.stringify({ ...held, choices: [{ index: choice, delta, finish_reason: null }] })}\n\n`;
    }
    return text;
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

/** More streamed tool calls than this means a hostile or broken upstream: the rest pass as sent. */
const MAX_TOOL_CALLS = 512;

/** A chunk's identity, as a chunk the gateway writes into the stream carries it. */
function identityOf(chunk: JsonObject): JsonObject {
  const { id, object, created, model } = chunk;
  return { id, object: object ?? 'chat.completion.chunk', created, model };
}

/** The indexes of the choices a chunk gives a finish reason. */
function finishedChoices(chunk: JsonObject): Set<number> {
  const finished = new Set<number>();
  const choices = chunk['choices'];
  if (!Array.isArray(choices)) return finished;
  for (const choice of choices) {
    if (!isJsonObject(choice) || typeof choice['finish_reason'] !== 'string') continue;
    finished.add(typeof choice['index'] === 'number' ? choice['index'] : 0);
  }
  return finished;
}
