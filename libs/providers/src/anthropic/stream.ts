// Anthropic's stream, both ways. Decoding reads the upstream's events (message_start,
// content_block_start/delta/stop, message_delta, message_stop, ping, error) into canonical events;
// encoding writes the same sequence for a /v1/messages client, with block indices as Anthropic
// numbers them (every block of the answer, in order).
import type {
  CanonicalFinishReason,
  CanonicalStreamDecoder,
  CanonicalStreamEncoder,
  CanonicalStreamEvent,
  CanonicalUsage,
} from '../canonical/canonical-model';
import { isJsonObject, type JsonObject } from '../json/json-object';
import { JsonObjectEnd, objectPiece, type ArgumentsShape } from '../json/json-object-end';
import { anthropicErrorType } from './error';
import { anthropicEventText } from './event-text';
import { fromAnthropicStopReason, toAnthropicStopReason } from './finish-reason';
import { ANTHROPIC_SIGNER, anthropicSignature } from './thinking-signature';
import {
  anthropicUsage,
  NO_USAGE,
  readAnthropicUsage,
  toCanonicalUsage,
  type AnthropicUsageCounts,
} from './usage';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const object = (value: unknown): JsonObject => (isJsonObject(value) ? value : {});

export class AnthropicStreamDecoder implements CanonicalStreamDecoder {
  private usage: AnthropicUsageCounts = NO_USAGE;
  /** Block index → the canonical tool call index of a `tool_use` block. */
  private readonly toolCalls = new Map<number, number>();

  decode(event: string | null, data: string): CanonicalStreamEvent[] {
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return [{ type: 'error', message: 'The upstream sent a stream event that is not JSON.', code: null }];
    }
    const body = object(payload);
    // The data's `type` names the event; the SSE `event:` line says the same where a proxy kept it.
    const type = typeof body['type'] === 'string' ? body['type'] : event;
    switch (type) {
      case 'message_start': {
        const message = object(body['message']);
        const start: CanonicalStreamEvent = {
          type: 'start',
          id: text(message['id']),
          model: text(message['model']),
        };
        // Its input counts are real, its output count a placeholder (Anthropic sends 1): partial until
        // message_delta. A server that reports no usage here has reported nothing (not zeros).
        if (!isJsonObject(message['usage'])) return [start];
        this.usage = readAnthropicUsage(message['usage'], this.usage);
        return [start, { type: 'usage', usage: toCanonicalUsage(this.usage), partial: true }];
      }
      case 'content_block_start':
        return this.blockStart(body['index'], object(body['content_block']));
      case 'content_block_delta':
        return this.blockDelta(body['index'], object(body['delta']));
      case 'message_delta': {
        // Cumulative totals: output_tokens always, the input counts when they changed.
        const events: CanonicalStreamEvent[] = [];
        if (isJsonObject(body['usage'])) {
          this.usage = readAnthropicUsage(body['usage'], this.usage);
          events.push({ type: 'usage', usage: toCanonicalUsage(this.usage) });
        }
        const finishReason = fromAnthropicStopReason(object(body['delta'])['stop_reason']);
        if (finishReason !== null) events.push({ type: 'finish', finishReason });
        return events;
      }
      case 'error': {
        const error = object(body['error']);
        const code = text(error['type']);
        return [
          {
            type: 'error',
            message: text(error['message']) || 'The upstream stream failed.',
            code: code === '' ? null : code,
          },
        ];
      }
      // ping, content_block_stop, message_stop, and event types Anthropic may add later.
      default:
        return [];
    }
  }

  end(): CanonicalStreamEvent[] {
    return [];
  }

  private blockStart(index: unknown, block: JsonObject): CanonicalStreamEvent[] {
    switch (block['type']) {
      case 'text':
        return text(block['text']) === '' ? [] : [{ type: 'text_delta', text: text(block['text']) }];
      case 'thinking': {
        const events: CanonicalStreamEvent[] = [];
        if (text(block['thinking']) !== '')
          events.push({ type: 'thinking_delta', text: text(block['thinking']) });
        if (text(block['signature']) !== '')
          events.push({
            type: 'thinking_signature',
            signature: text(block['signature']),
            signedBy: ANTHROPIC_SIGNER,
          });
        return events;
      }
      case 'redacted_thinking':
        return [{ type: 'thinking_redacted', data: text(block['data']) }];
      case 'tool_use': {
        if (typeof index !== 'number') return [];
        const toolIndex = this.toolCalls.size;
        this.toolCalls.set(index, toolIndex);
        const events: CanonicalStreamEvent[] = [
          { type: 'tool_call_start', index: toolIndex, id: text(block['id']), name: text(block['name']) },
        ];
        // Anthropic starts with `input: {}` and streams the JSON; a server that sends it whole here is read too.
        const input = object(block['input']);
        if (Object.keys(input).length > 0) {
          events.push({ type: 'tool_call_delta', index: toolIndex, arguments: JSON.stringify(input) });
        }
        return events;
      }
      // Server tool calls and their results run inside Anthropic: nothing a client can act on.
      default:
        return [];
    }
  }

  private blockDelta(index: unknown, delta: JsonObject): CanonicalStreamEvent[] {
    switch (delta['type']) {
      case 'text_delta':
        return text(delta['text']) === '' ? [] : [{ type: 'text_delta', text: text(delta['text']) }];
      case 'thinking_delta':
        return text(delta['thinking']) === ''
          ? []
          : [{ type: 'thinking_delta', text: text(delta['thinking']) }];
      case 'signature_delta':
        return [
          { type: 'thinking_signature', signature: text(delta['signature']), signedBy: ANTHROPIC_SIGNER },
        ];
      case 'input_json_delta': {
        const toolIndex = typeof index === 'number' ? this.toolCalls.get(index) : undefined;
        const partial = text(delta['partial_json']);
        // A server tool's input (no tool_use block) or the empty first fragment Anthropic sends.
        if (toolIndex === undefined || partial === '') return [];
        return [{ type: 'tool_call_delta', index: toolIndex, arguments: partial }];
      }
      default:
        return [];
    }
  }
}

const NO_CANONICAL_USAGE: CanonicalUsage = {
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
};

/** Error types `@anthropic-ai/sdk` knows; any other code travels as `api_error`. */
const ANTHROPIC_ERROR_TYPES = new Set([
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'rate_limit_error',
  'timeout_error',
  'api_error',
  'overloaded_error',
  'request_too_large',
]);

type OpenBlock =
  { kind: 'text' } | { kind: 'thinking'; signed: boolean } | { kind: 'tool'; toolIndex: number };

interface ToolCall {
  id: string;
  name: string;
  /** Its block index once its block was started; null while it waits for the open call to end. */
  block: number | null;
  /** Arguments that came while it waited, sent when its block starts. */
  waiting: string;
  /** Whether its arguments are whole, after which its block may stop and the next one start. */
  readonly end: JsonObjectEnd;
  /** What its arguments open with: an object, something else (a model's slip), or nothing yet. */
  shape: ArgumentsShape;
}

/** A keep-alive a relay may write while an upstream is slow (the SDKs skip it). */
export function anthropicPingEvent(): string {
  return anthropicEventText('ping', { type: 'ping' });
}

/**
 * Canonical events → a /v1/messages stream. Anthropic's clients read one open block at a time
 * (start, its deltas, stop, then the next), but an OpenAI upstream interleaves the arguments of
 * parallel tool calls. So one call's block is open at a time: a call that starts while the open
 * call's arguments are not yet a whole JSON object waits, its arguments collected, and is sent
 * (start, what it has, then live) once the open call's object closes, or at the end. Text and
 * thinking go out as they come, except while an open call is mid-object: its block cannot stop
 * then without losing the rest of its arguments, so they wait for that call to end.
 */
export class AnthropicStreamEncoder implements CanonicalStreamEncoder {
  private pendingStart: { id: string; model: string } = { id: '', model: '' };
  private started = false;
  private usage: CanonicalUsage | null = null;
  private finishReason: CanonicalFinishReason | null = null;
  private blocks = 0;
  private open: { index: number; block: OpenBlock } | null = null;
  /** Tool calls by canonical index. */
  private readonly calls = new Map<number, ToolCall>();
  /** Calls that started while the open call was mid-object, in the order they started. */
  private readonly waitingCalls: number[] = [];
  /** Text and thinking that came while the open call was mid-object. */
  private held: CanonicalStreamEvent[] = [];

  encode(event: CanonicalStreamEvent): string {
    if (this.holds(event)) {
      this.held.push(event);
      return '';
    }
    return this.write(event);
  }

  private write(event: CanonicalStreamEvent): string {
    switch (event.type) {
      case 'start':
        this.pendingStart = { id: event.id, model: event.model };
        return '';
      case 'usage':
        // Held for message_start (when it comes before content) and for the closing message_delta.
        this.usage = event.usage;
        return '';
      case 'finish':
        this.finishReason = event.finishReason;
        return this.begin() + this.drain();
      case 'text_delta':
        if (event.text === '') return '';
        return (
          this.openBlock({ kind: 'text' }, { type: 'text', text: '' }) +
          this.delta({ type: 'text_delta', text: event.text })
        );
      case 'thinking_delta':
        if (event.text === '') return '';
        return (
          this.openBlock(
            { kind: 'thinking', signed: false },
            { type: 'thinking', thinking: '', signature: '' },
          ) + this.delta({ type: 'thinking_delta', thinking: event.text })
        );
      case 'thinking_signature': {
        const opened = this.openBlock(
          { kind: 'thinking', signed: false },
          { type: 'thinking', thinking: '', signature: '' },
        );
        // A signature ends its thinking block: more thinking after it is a new block.
        if (this.open?.block.kind === 'thinking') this.open.block.signed = true;
        return opened + this.delta({ type: 'signature_delta', signature: anthropicSignature(event) });
      }
      case 'thinking_redacted': {
        const head = this.begin() + this.close();
        const index = this.blocks++;
        return (
          head +
          anthropicEventText('content_block_start', {
            type: 'content_block_start',
            index,
            content_block: { type: 'redacted_thinking', data: event.data },
          }) +
          anthropicEventText('content_block_stop', { type: 'content_block_stop', index })
        );
      }
      case 'tool_call_start': {
        if (this.calls.has(event.index)) return '';
        this.calls.set(event.index, {
          id: event.id,
          name: event.name,
          block: null,
          waiting: '',
          end: new JsonObjectEnd(),
          shape: 'pending',
        });
        if (this.openCallMidObject()) {
          this.waitingCalls.push(event.index);
          return '';
        }
        return this.startCall(event.index);
      }
      case 'tool_call_delta': {
        const call = this.calls.get(event.index);
        if (call === undefined) return '';
        // An input must be an object (the SDK throws on anything else it is streamed): a slip sends
        // none and reads `input: {}`, as the answer not streamed does (response.ts).
        const opened = objectPiece(call, event.arguments, '');
        // What follows a whole object is left out (a server resending the arguments after them).
        const piece = opened.slice(0, call.end.push(opened));
        if (call.block === null) {
          call.waiting += piece;
          return '';
        }
        // A call whose block has stopped (its object whole, or drained at the end) takes no more.
        if (call.block !== this.open?.index) return '';
        // A slip's piece sends nothing, but ends the wait of what is behind it.
        const sent = piece === '' ? '' : this.delta({ type: 'input_json_delta', partial_json: piece });
        return sent + this.advance();
      }
      case 'error':
        return this.fail(event.message, event.code ?? 'api_error');
    }
  }

  finish(): string {
    return (
      this.begin() +
      this.drain() +
      anthropicEventText('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: toAnthropicStopReason(this.finishReason), stop_sequence: null },
        usage: anthropicUsage(this.usage ?? NO_CANONICAL_USAGE),
      }) +
      anthropicEventText('message_stop', { type: 'message_stop' })
    );
  }

  fail(message: string, code: string): string {
    const type = ANTHROPIC_ERROR_TYPES.has(code) ? code : anthropicErrorType(500);
    return anthropicEventText('error', { type: 'error', error: { type, message } });
  }

  /** message_start, once, before the first block (late, so an upstream's input counts are in it). */
  private begin(): string {
    if (this.started) return '';
    this.started = true;
    return anthropicEventText('message_start', {
      type: 'message_start',
      message: {
        id: this.pendingStart.id,
        type: 'message',
        role: 'assistant',
        model: this.pendingStart.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: anthropicUsage(this.usage ?? NO_CANONICAL_USAGE),
      },
    });
  }

  /** Text and thinking wait while the open call is mid-object (see the class comment). */
  private holds(event: CanonicalStreamEvent): boolean {
    switch (event.type) {
      case 'text_delta':
      case 'thinking_delta':
      case 'thinking_signature':
      case 'thinking_redacted':
        return this.openCallMidObject();
      default:
        return false;
    }
  }

  private openCallMidObject(): boolean {
    const block = this.open?.block;
    if (block?.kind !== 'tool') return false;
    const call = this.calls.get(block.toolIndex);
    return call !== undefined && call.shape !== 'other' && !call.end.complete;
  }

  /** Starts call `toolIndex`'s block with the arguments it collected while it waited. */
  private startCall(toolIndex: number): string {
    const call = this.calls.get(toolIndex);
    if (call === undefined) return '';
    const head = this.begin() + this.close();
    const index = this.blocks++;
    this.open = { index, block: { kind: 'tool', toolIndex } };
    call.block = index;
    const waiting = call.waiting;
    call.waiting = '';
    return (
      head +
      anthropicEventText('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
      }) +
      (waiting === '' ? '' : this.delta({ type: 'input_json_delta', partial_json: waiting }))
    );
  }

  /**
   * Once the open call's object is whole: what waited behind it goes out, held text first, then
   * the next waiting call (which may be whole already, and so on).
   */
  private advance(): string {
    let out = '';
    while (!this.openCallMidObject() && (this.held.length > 0 || this.waitingCalls.length > 0)) {
      out += this.close() + this.release();
      const next = this.waitingCalls.shift();
      if (next !== undefined) out += this.startCall(next);
    }
    return out;
  }

  /** The end: the open block stops, then held text and every waiting call go out whole, in order. */
  private drain(): string {
    let out = this.close() + this.release();
    for (let next = this.waitingCalls.shift(); next !== undefined; next = this.waitingCalls.shift())
      out += this.startCall(next) + this.close();
    return out;
  }

  private release(): string {
    const held = this.held;
    this.held = [];
    return held.map((event) => this.write(event)).join('');
  }

  private close(): string {
    if (this.open === null) return '';
    const { index, block } = this.open;
    // Thinking that came without a signature (another format's) gets the gateway's mark before it
    // ends, as every Anthropic thinking block ends with its signature_delta.
    const sign =
      block.kind === 'thinking' && !block.signed
        ? this.delta({ type: 'signature_delta', signature: anthropicSignature({}) })
        : '';
    this.open = null;
    return sign + anthropicEventText('content_block_stop', { type: 'content_block_stop', index });
  }

  /** Keeps the open block when it is of the wanted kind (and, for thinking, not yet signed). */
  private openBlock(block: OpenBlock, contentBlock: JsonObject): string {
    const current = this.open?.block;
    if (
      current !== undefined &&
      current.kind === block.kind &&
      !(current.kind === 'thinking' && current.signed)
    ) {
      return this.begin();
    }
    const head = this.begin() + this.close();
    const index = this.blocks++;
    this.open = { index, block };
    return (
      head +
      anthropicEventText('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: contentBlock,
      })
    );
  }

  private delta(delta: JsonObject): string {
    const index = this.open?.index ?? 0;
    return anthropicEventText('content_block_delta', { type: 'content_block_delta', index, delta });
  }
}
