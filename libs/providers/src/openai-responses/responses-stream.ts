// Canonical stream events → the Responses API's `response.*` event sequence, each numbered by
// `sequence_number`: response.created and in_progress, then per output item added → content deltas
// → done, then response.completed (or incomplete); a broken stream ends with `error` and
// `response.failed`, never response.completed. One item is open at a time, and an item's
// `output_item.done` is its last word (clients act on a function call there): parallel calls whose
// arguments an upstream interleaves are written one after the other, a call that starts while the
// open one is mid-arguments waiting (its arguments collected) until they are a whole object, as do
// text and reasoning that come meanwhile.
import type {
  CanonicalFinishReason,
  CanonicalRequest,
  CanonicalStreamEncoder,
  CanonicalStreamEvent,
  CanonicalUsage,
} from '../canonical/canonical-model';
import type { JsonObject } from '../json/json-object';
import { JsonObjectEnd, objectPiece, type ArgumentsShape } from '../json/json-object-end';
import {
  functionCallItem,
  SLIP_ARGUMENTS,
  messageItem,
  reasoningItem,
  responseId,
  responseObject,
  responseStatus,
  type ResponseEnvelope,
} from './responses-response';

type OpenItem =
  | { kind: 'reasoning'; outputIndex: number; id: string; text: string }
  | { kind: 'message'; outputIndex: number; id: string; text: string }
  | { kind: 'function_call'; outputIndex: number; id: string; callId: string; name: string; args: string };

type FunctionCallItem = Extract<OpenItem, { kind: 'function_call' }>;

interface ToolCall {
  id: string;
  name: string;
  /** Its item once opened; null while it waits for the open call's arguments to be whole. */
  item: FunctionCallItem | null;
  /** Arguments that came while it waited. */
  waiting: string;
  readonly end: JsonObjectEnd;
  /** What its arguments open with: an object, something else (a model's slip), or nothing yet. */
  shape: ArgumentsShape;
}

export class ResponsesStreamEncoder implements CanonicalStreamEncoder {
  private sequence = 0;
  private id = 'resp_gateway';
  private model: string;
  private readonly createdAt: number;
  private started = false;
  private closed = false;
  private readonly output: JsonObject[] = [];
  private current: OpenItem | null = null;
  /** Function calls by canonical index. */
  private readonly calls = new Map<number, ToolCall>();
  /** Calls that started while the open call was mid-arguments, in the order they started. */
  private readonly waitingCalls: number[] = [];
  /** Text and reasoning that came while the open call was mid-arguments. */
  private held: CanonicalStreamEvent[] = [];
  private usage: CanonicalUsage | null = null;
  private finishReason: CanonicalFinishReason | null = null;

  constructor(
    private readonly request?: CanonicalRequest,
    createdAt = Math.floor(Date.now() / 1000),
  ) {
    this.model = request?.model ?? '';
    this.createdAt = createdAt;
  }

  encode(event: CanonicalStreamEvent): string {
    if (this.closed) return '';
    if ((event.type === 'text_delta' || event.type === 'thinking_delta') && this.openCallMidArguments()) {
      this.held.push(event);
      return '';
    }
    return this.write(event);
  }

  private write(event: CanonicalStreamEvent): string {
    switch (event.type) {
      case 'start':
        this.id = responseId(event.id);
        if (event.model !== '') this.model = event.model;
        return this.start();
      case 'thinking_delta': {
        let out = this.start();
        if (this.current?.kind !== 'reasoning') {
          out += this.closeCurrent();
          const item: OpenItem = {
            kind: 'reasoning',
            outputIndex: this.output.length,
            id: `rs_${this.id}_${this.output.length}`,
            text: '',
          };
          out += this.openItem(item, reasoningItem(item.id, ''));
          out += this.emit('response.reasoning_summary_part.added', {
            item_id: item.id,
            output_index: item.outputIndex,
            summary_index: 0,
            part: { type: 'summary_text', text: '' },
          });
        }
        const item = this.current as Extract<OpenItem, { kind: 'reasoning' }>;
        item.text += event.text;
        return (
          out +
          this.emit('response.reasoning_summary_text.delta', {
            item_id: item.id,
            output_index: item.outputIndex,
            summary_index: 0,
            delta: event.text,
          })
        );
      }
      // Anthropic's encrypted reasoning and signatures: OpenAI's clients have no place for them.
      case 'thinking_redacted':
      case 'thinking_signature':
        return '';
      case 'text_delta': {
        let out = this.start();
        if (this.current?.kind !== 'message') {
          out += this.closeCurrent();
          const item: OpenItem = {
            kind: 'message',
            outputIndex: this.output.length,
            id: `msg_${this.id}_${this.output.length}`,
            text: '',
          };
          out += this.openItem(item, {
            type: 'message',
            id: item.id,
            status: 'in_progress',
            role: 'assistant',
            content: [],
          });
          out += this.emit('response.content_part.added', {
            item_id: item.id,
            output_index: item.outputIndex,
            content_index: 0,
            part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
          });
        }
        const item = this.current as Extract<OpenItem, { kind: 'message' }>;
        item.text += event.text;
        return (
          out +
          this.emit('response.output_text.delta', {
            item_id: item.id,
            output_index: item.outputIndex,
            content_index: 0,
            delta: event.text,
            logprobs: [],
          })
        );
      }
      case 'tool_call_start': {
        if (this.calls.has(event.index)) return '';
        this.calls.set(event.index, {
          id: event.id,
          name: event.name,
          item: null,
          waiting: '',
          end: new JsonObjectEnd(),
          shape: 'pending',
        });
        if (this.openCallMidArguments()) {
          this.waitingCalls.push(event.index);
          return this.start();
        }
        return this.startCall(event.index);
      }
      case 'tool_call_delta': {
        const call = this.calls.get(event.index);
        if (call === undefined) return '';
        // A slip (arguments that are not an object) reads `{}` at once, as the answer not streamed does.
        const opened = objectPiece(call, event.arguments, SLIP_ARGUMENTS);
        // What follows a whole object is left out (a server resending the arguments after them).
        const piece = opened.slice(0, call.end.push(opened));
        if (piece === '') return '';
        if (call.item === null) {
          call.waiting += piece;
          return '';
        }
        if (call.item !== this.current) return '';
        return this.argumentsDelta(call.item, piece) + this.advance();
      }
      case 'usage':
        this.usage = event.usage;
        return '';
      case 'finish':
        this.finishReason = event.finishReason;
        return '';
      case 'error':
        return this.fail(event.message, event.code ?? 'server_error');
    }
  }

  finish(): string {
    if (this.closed) return '';
    let out = this.start() + this.drain();
    this.closed = true;
    const { status, incomplete_details } = responseStatus(this.finishReason);
    out += this.emit(status === 'completed' ? 'response.completed' : 'response.incomplete', {
      response: this.response({ status, incompleteDetails: incomplete_details, usage: this.usage }),
    });
    return out;
  }

  fail(message: string, code: string): string {
    if (this.closed) return '';
    let out = this.start();
    this.closed = true;
    out += this.emit('error', { code, message, param: null });
    out += this.emit('response.failed', {
      response: this.response({ status: 'failed', error: { code, message }, usage: this.usage }),
    });
    return out;
  }

  private openCallMidArguments(): boolean {
    if (this.current?.kind !== 'function_call') return false;
    const current = this.current;
    return [...this.calls.values()].some((call) => call.item === current && !call.end.complete);
  }

  /** Opens call `index`'s item, with the arguments it collected while it waited. */
  private startCall(index: number): string {
    const call = this.calls.get(index);
    if (call === undefined) return '';
    const out = this.start() + this.closeCurrent();
    const item: FunctionCallItem = {
      kind: 'function_call',
      outputIndex: this.output.length,
      id: `fc_${call.id}`,
      callId: call.id,
      name: call.name,
      args: '',
    };
    call.item = item;
    const waiting = call.waiting;
    call.waiting = '';
    return (
      out +
      this.openItem(item, functionCallItem(item.id, item.callId, item.name, '', 'in_progress')) +
      (waiting === '' ? '' : this.argumentsDelta(item, waiting))
    );
  }

  private argumentsDelta(item: FunctionCallItem, delta: string): string {
    item.args += delta;
    return this.emit('response.function_call_arguments.delta', {
      item_id: item.id,
      output_index: item.outputIndex,
      delta,
    });
  }

  /** Once the open call's arguments are whole: held text first, then the next waiting call. */
  private advance(): string {
    let out = '';
    while (!this.openCallMidArguments() && (this.held.length > 0 || this.waitingCalls.length > 0)) {
      out += this.closeCurrent() + this.release();
      const next = this.waitingCalls.shift();
      if (next !== undefined) out += this.startCall(next);
    }
    return out;
  }

  /** The end: the open item is done, then held text and every waiting call, in order. */
  private drain(): string {
    let out = this.closeCurrent() + this.release();
    for (let next = this.waitingCalls.shift(); next !== undefined; next = this.waitingCalls.shift())
      out += this.startCall(next) + this.closeCurrent();
    return out;
  }

  private release(): string {
    const held = this.held;
    this.held = [];
    return held.map((event) => this.write(event)).join('');
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    const response = this.response({ status: 'in_progress', usage: null });
    return this.emit('response.created', { response }) + this.emit('response.in_progress', { response });
  }

  private openItem(item: OpenItem, added: JsonObject): string {
    this.current = item;
    this.output.push(added);
    return this.emit('response.output_item.added', { output_index: item.outputIndex, item: added });
  }

  private closeCurrent(): string {
    const item = this.current;
    if (item === null) return '';
    this.current = null;
    let out = '';
    const done = this.itemDone(item);
    if (item.kind === 'message') {
      const base = { item_id: item.id, output_index: item.outputIndex, content_index: 0 };
      out += this.emit('response.output_text.done', { ...base, text: item.text, logprobs: [] });
      out += this.emit('response.content_part.done', {
        ...base,
        part: { type: 'output_text', text: item.text, annotations: [], logprobs: [] },
      });
    } else if (item.kind === 'reasoning') {
      const base = { item_id: item.id, output_index: item.outputIndex, summary_index: 0 };
      out += this.emit('response.reasoning_summary_text.done', { ...base, text: item.text });
      out += this.emit('response.reasoning_summary_part.done', {
        ...base,
        part: { type: 'summary_text', text: item.text },
      });
    } else {
      out += this.emit('response.function_call_arguments.done', {
        item_id: item.id,
        output_index: item.outputIndex,
        name: item.name,
        arguments: item.args,
      });
    }
    this.output[item.outputIndex] = done;
    return out + this.emit('response.output_item.done', { output_index: item.outputIndex, item: done });
  }

  private itemDone(item: OpenItem): JsonObject {
    switch (item.kind) {
      case 'message':
        return messageItem(item.id, item.text, 'completed');
      case 'reasoning':
        return reasoningItem(item.id, item.text);
      case 'function_call':
        return functionCallItem(item.id, item.callId, item.name, item.args, this.callStatus(item));
    }
  }

  /**
   * A call item is done mid-arguments only at the end of the stream: when the length limit ended
   * it, the call was cut, and is `incomplete` (as OpenAI marks one), not a call to run.
   */
  private callStatus(item: FunctionCallItem): 'completed' | 'incomplete' {
    if (this.finishReason !== 'length') return 'completed';
    const call = [...this.calls.values()].find((candidate) => candidate.item === item);
    return call === undefined || call.end.complete || call.shape === 'other' ? 'completed' : 'incomplete';
  }

  private response(
    fields: Pick<ResponseEnvelope, 'status' | 'usage' | 'incompleteDetails' | 'error'>,
  ): JsonObject {
    return responseObject({
      id: this.id,
      model: this.model,
      createdAt: this.createdAt,
      output: [...this.output],
      ...(this.request === undefined ? {} : { request: this.request }),
      ...fields,
    });
  }

  /** `event: <type>` and the JSON with `type` and `sequence_number`, as OpenAI frames them. */
  private emit(type: string, fields: JsonObject): string {
    const payload = { type, ...fields, sequence_number: this.sequence++ };
    return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
  }
}
