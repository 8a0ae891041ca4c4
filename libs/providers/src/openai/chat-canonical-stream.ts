// Chat completions streams ↔ canonical stream events: `chat.completion.chunk` deltas in, and out
// again for a client, ending in `data: [DONE]` (or an error chunk and no [DONE] when it broke).
import type {
  CanonicalFinishReason,
  CanonicalRequest,
  CanonicalStreamDecoder,
  CanonicalStreamEncoder,
  CanonicalStreamEvent,
  CanonicalUsage,
} from '../canonical/canonical-model';
import { isJsonObject, type JsonObject } from '../json/json-object';
import { SSE_DONE } from '../sse/sse-event';
import {
  canonicalFinishReason,
  canonicalUsage,
  chatFinishReason,
  chatUsage,
  nowSeconds,
} from './chat-canonical-response';
import { ToolArgumentsPieces } from './tool-arguments-pieces';

interface ToolSlot {
  /** The canonical index (order of first appearance), once id and name are known. */
  index: number | null;
  id: string | null;
  name: string | null;
  /** Arguments that arrived before the call's name (some servers send them in the same chunk). */
  pending: string;
  /** Its arguments pieces, read as incremental or cumulative (some servers resend the text so far). */
  readonly pieces: ToolArgumentsPieces;
}

/**
 * Upstream chunks → canonical events. The finish reason is held until the usage-only chunk, `[DONE]`
 * or the end of the stream, so every format's encoder sees usage before the finish, as most need to
 * write them together. Only choice 0 is read (the gateway never asks for more). A call's arguments
 * pass through ToolArgumentsPieces, so a server that resends them so far in every chunk gives each
 * piece once; what it still holds goes out before the finish.
 */
export class ChatStreamDecoder implements CanonicalStreamDecoder {
  private started = false;
  private finish: CanonicalFinishReason | null = null;
  private done = false;
  private readonly slots = new Map<string, ToolSlot>();
  private nextToolIndex = 0;
  private lastSlotKey: string | null = null;

  decode(_event: string | null, data: string): CanonicalStreamEvent[] {
    if (this.done) return [];
    if (data.trim() === SSE_DONE) {
      this.done = true;
      return this.flushFinish(true);
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return []; // keep-alive text or a vendor's comment: nothing happened
    }
    if (!isJsonObject(chunk)) return [];
    if (isJsonObject(chunk['error'])) return [errorEvent(chunk['error'])];

    const events: CanonicalStreamEvent[] = [];
    const choices = Array.isArray(chunk['choices']) ? chunk['choices'] : [];
    const choice: unknown = choices.find((c: unknown) => isJsonObject(c) && (c['index'] ?? 0) === 0);
    // Azure's first chunk carries only prompt_filter_results, with empty id and model and no choices.
    if (
      !this.started &&
      (isJsonObject(choice) || (chunk['usage'] !== undefined && chunk['usage'] !== null))
    ) {
      this.started = true;
      events.push({
        type: 'start',
        id: typeof chunk['id'] === 'string' ? chunk['id'] : '',
        model: typeof chunk['model'] === 'string' ? chunk['model'] : '',
      });
    }
    if (isJsonObject(choice)) {
      if (isJsonObject(choice['delta'])) events.push(...this.delta(choice['delta']));
      if (typeof choice['finish_reason'] === 'string') {
        this.finish = canonicalFinishReason(choice['finish_reason']);
      }
    }
    const usage = canonicalUsage(chunk['usage']);
    if (usage !== null) {
      events.push({ type: 'usage', usage });
      events.push(...this.flushFinish());
    }
    return events;
  }

  end(): CanonicalStreamEvent[] {
    return this.flushFinish(true);
  }

  /** The finish reason, if one came, after what calls' arguments still held (always at the end). */
  private flushFinish(end = false): CanonicalStreamEvent[] {
    if (this.finish === null) return end ? this.flushArguments() : [];
    const finishReason = this.finish;
    this.finish = null;
    return [...this.flushArguments(), { type: 'finish', finishReason }];
  }

  private flushArguments(): CanonicalStreamEvent[] {
    const events: CanonicalStreamEvent[] = [];
    for (const slot of this.slots.values()) {
      const rest = slot.pieces.end();
      if (slot.index !== null && rest !== '')
        events.push({ type: 'tool_call_delta', index: slot.index, arguments: rest });
    }
    return events;
  }

  private delta(delta: JsonObject): CanonicalStreamEvent[] {
    const events: CanonicalStreamEvent[] = [];
    const reasoning = delta['reasoning_content'] ?? delta['reasoning'];
    if (typeof reasoning === 'string' && reasoning !== '')
      events.push({ type: 'thinking_delta', text: reasoning });
    for (const field of ['content', 'refusal']) {
      const text = delta[field];
      if (typeof text === 'string' && text !== '') events.push({ type: 'text_delta', text });
    }
    if (Array.isArray(delta['tool_calls'])) {
      for (const call of delta['tool_calls']) if (isJsonObject(call)) events.push(...this.toolCall(call));
    }
    return events;
  }

  private toolCall(call: JsonObject): CanonicalStreamEvent[] {
    const fn = isJsonObject(call['function']) ? call['function'] : {};
    const id = typeof call['id'] === 'string' && call['id'] !== '' ? call['id'] : null;
    // Calls are told apart by `index`; a server that omits it starts a new call with each new id.
    const key =
      typeof call['index'] === 'number'
        ? `i${call['index']}`
        : id !== null && !this.slots.has(`id${id}`)
          ? `id${id}`
          : (this.lastSlotKey ?? 'i0');
    this.lastSlotKey = key;
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = { index: null, id: null, name: null, pending: '', pieces: new ToolArgumentsPieces() };
      this.slots.set(key, slot);
    }
    slot.id ??= id;
    if (typeof fn['name'] === 'string' && fn['name'] !== '') slot.name ??= fn['name'];
    const events: CanonicalStreamEvent[] = [];
    const args = slot.pieces.push(typeof fn['arguments'] === 'string' ? fn['arguments'] : '');
    if (slot.index === null) {
      slot.pending += args;
      if (slot.name === null) return events;
      slot.index = this.nextToolIndex++;
      events.push({
        type: 'tool_call_start',
        index: slot.index,
        id: slot.id ?? `call_${slot.index}`,
        name: slot.name,
      });
      if (slot.pending !== '')
        events.push({ type: 'tool_call_delta', index: slot.index, arguments: slot.pending });
      slot.pending = '';
    } else if (args !== '') {
      events.push({ type: 'tool_call_delta', index: slot.index, arguments: args });
    }
    return events;
  }
}

function errorEvent(error: JsonObject): CanonicalStreamEvent {
  const code = error['code'] ?? error['type'];
  return {
    type: 'error',
    message: typeof error['message'] === 'string' ? error['message'] : 'upstream error',
    code: typeof code === 'string' ? code : typeof code === 'number' ? String(code) : null,
  };
}

/**
 * Canonical events → the chunks a chat completions client reads. The usage-only chunk goes out only
 * to a client that asked for it (`includeUsage`), just before `[DONE]`, as OpenAI sends it.
 */
export class ChatStreamEncoder implements CanonicalStreamEncoder {
  private id = '';
  private model = '';
  private readonly created: number;
  private readonly includeUsage: boolean;
  private usage: CanonicalUsage | null = null;
  private closed = false;
  private announced = false;

  constructor(request?: CanonicalRequest, created = nowSeconds()) {
    this.includeUsage = request?.includeUsage === true;
    this.model = request?.model ?? '';
    this.created = created;
  }

  encode(event: CanonicalStreamEvent): string {
    if (this.closed) return '';
    switch (event.type) {
      case 'start':
        this.id = event.id;
        if (event.model !== '') this.model = event.model;
        return this.announce();
      case 'text_delta':
        return this.announce() + this.chunk({ content: event.text });
      case 'thinking_delta':
        return this.announce() + this.chunk({ reasoning_content: event.text });
      // Anthropic's encrypted reasoning and signatures: OpenAI's clients have no place for them.
      case 'thinking_redacted':
      case 'thinking_signature':
        return '';
      case 'tool_call_start':
        return (
          this.announce() +
          this.chunk({
            tool_calls: [
              {
                index: event.index,
                id: event.id,
                type: 'function',
                function: { name: event.name, arguments: '' },
              },
            ],
          })
        );
      case 'tool_call_delta':
        return this.chunk({ tool_calls: [{ index: event.index, function: { arguments: event.arguments } }] });
      case 'usage':
        this.usage = event.usage;
        return '';
      case 'finish':
        return this.announce() + this.chunk({}, chatFinishReason(event.finishReason));
      case 'error':
        return this.fail(event.message, event.code ?? 'upstream_error');
    }
  }

  finish(): string {
    if (this.closed) return '';
    this.closed = true;
    const usage =
      this.includeUsage && this.usage !== null
        ? data({ ...this.envelope(), choices: [], usage: chatUsage(this.usage) })
        : '';
    return `${usage}data: ${SSE_DONE}\n\n`;
  }

  fail(message: string, code: string): string {
    if (this.closed) return '';
    this.closed = true;
    return data({ error: { message, type: 'server_error', code, param: null } });
  }

  /** The first chunk says who speaks (`role`), as OpenAI's does. */
  private announce(): string {
    if (this.announced) return '';
    this.announced = true;
    return this.chunk({ role: 'assistant', content: '' });
  }

  private chunk(delta: JsonObject, finishReason: string | null = null): string {
    return data({
      ...this.envelope(),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    });
  }

  private envelope(): JsonObject {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model };
  }
}

function data(payload: JsonObject): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}
