// Canonical stream events → the Responses API's `response.*` event sequence, each numbered by
// `sequence_number`: response.created and in_progress, then per output item added → content deltas
// → done, then response.completed (or incomplete); a broken stream ends with `error` and
// `response.failed`, never response.completed.
import type {
  CanonicalFinishReason,
  CanonicalRequest,
  CanonicalStreamEncoder,
  CanonicalStreamEvent,
  CanonicalUsage,
} from '../canonical/canonical-model';
import type { JsonObject } from '../json/json-object';
import {
  functionCallItem,
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

export class ResponsesStreamEncoder implements CanonicalStreamEncoder {
  private sequence = 0;
  private id = 'resp_gateway';
  private model: string;
  private readonly createdAt: number;
  private started = false;
  private closed = false;
  private readonly output: JsonObject[] = [];
  private current: OpenItem | null = null;
  /** Function calls by canonical index, so a late argument delta still reaches its item. */
  private readonly calls = new Map<number, Extract<OpenItem, { kind: 'function_call' }>>();
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
        let out = this.start() + this.closeCurrent();
        const item: OpenItem = {
          kind: 'function_call',
          outputIndex: this.output.length,
          id: `fc_${event.id}`,
          callId: event.id,
          name: event.name,
          args: '',
        };
        this.calls.set(event.index, item);
        out += this.openItem(item, functionCallItem(item.id, item.callId, item.name, '', 'in_progress'));
        return out;
      }
      case 'tool_call_delta': {
        const item = this.calls.get(event.index);
        if (item === undefined) return '';
        item.args += event.arguments;
        if (this.current !== item) this.output[item.outputIndex] = this.itemDone(item);
        return this.emit('response.function_call_arguments.delta', {
          item_id: item.id,
          output_index: item.outputIndex,
          delta: event.arguments,
        });
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
    let out = this.start() + this.closeCurrent();
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
        return functionCallItem(item.id, item.callId, item.name, item.args, 'completed');
    }
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
