// The Responses API's `response` object, built from a canonical answer: output items (reasoning,
// message, function_call), status (incomplete for length and content filter) and usage.
import type {
  CanonicalFinishReason,
  CanonicalRequest,
  CanonicalResponse,
  CanonicalUsage,
} from '../canonical/canonical-model';
import type { JsonObject } from '../json/json-object';
import { responseSettings } from './responses-settings';

export function responseId(id: string): string {
  return id.startsWith('resp_') ? id : `resp_${id}`;
}

export function responsesUsage(usage: CanonicalUsage): JsonObject {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}

/** Length and content filter end a response as `incomplete`, with the reason OpenAI names. */
export function responseStatus(finishReason: CanonicalFinishReason | null): {
  status: 'completed' | 'incomplete';
  incomplete_details: { reason: string } | null;
} {
  if (finishReason === 'length')
    return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter' || finishReason === 'refusal') {
    return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  }
  return { status: 'completed', incomplete_details: null };
}

export interface ResponseEnvelope {
  id: string;
  model: string;
  createdAt: number;
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  output: JsonObject[];
  usage: CanonicalUsage | null;
  incompleteDetails?: { reason: string } | null;
  error?: { code: string; message: string } | null;
  request?: CanonicalRequest;
}

/**
 * The whole `response` object, with the request's settings echoed as the client sent them (OpenAI's
 * defaults for the rest, and for an unknown request).
 */
export function responseObject(envelope: ResponseEnvelope): JsonObject {
  return {
    id: envelope.id,
    object: 'response',
    created_at: envelope.createdAt,
    status: envelope.status,
    error: envelope.error ?? null,
    incomplete_details: envelope.incompleteDetails ?? null,
    model: envelope.model,
    output: envelope.output,
    usage: envelope.usage === null ? null : responsesUsage(envelope.usage),
    ...(envelope.request?.echo ?? responseSettings({})),
  };
}

export function messageItem(id: string, text: string, status: string): JsonObject {
  return {
    type: 'message',
    id,
    status,
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
  };
}

export function functionCallItem(
  id: string,
  callId: string,
  name: string,
  args: string,
  status: string,
): JsonObject {
  return { type: 'function_call', id, call_id: callId, name, arguments: args, status };
}

/** What a call's arguments read when they are not an object (a model's slip). */
export const SLIP_ARGUMENTS = '{}';

/**
 * A call's arguments as a Responses client gets them: clients parse them as the object the tool's
 * parameters describe, so arguments that open with anything but `{` (a bare string, an array,
 * text) read `{}`, as a /v1/messages client's input does; the stream decides on the same opening.
 */
export function objectArguments(text: string): string {
  const opening = text.trimStart();
  return opening === '' || opening.startsWith('{') ? text : SLIP_ARGUMENTS;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Thinking is shown as a reasoning summary: that is where Responses clients look for it. */
export function reasoningItem(id: string, text: string): JsonObject {
  return { type: 'reasoning', id, summary: text === '' ? [] : [{ type: 'summary_text', text }] };
}

export function encodeResponsesResponse(
  response: CanonicalResponse,
  request?: CanonicalRequest,
  createdAt = Math.floor(Date.now() / 1000),
): JsonObject {
  const output: JsonObject[] = [];
  const thinking = response.content.flatMap((part) => (part.type === 'thinking' ? [part.text] : [])).join('');
  if (thinking !== '') output.push(reasoningItem(`rs_${response.id}`, thinking));
  const text = response.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  if (text !== '') output.push(messageItem(`msg_${response.id}`, text, 'completed'));
  for (const part of response.content) {
    if (part.type === 'tool_call') {
      const args = objectArguments(part.arguments);
      // The length limit cut a call whose arguments do not parse: incomplete, not a call to run.
      const status = response.finishReason === 'length' && !parses(args) ? 'incomplete' : 'completed';
      output.push(functionCallItem(`fc_${part.id}`, part.id, part.name, args, status));
    }
  }
  const { status, incomplete_details } = responseStatus(response.finishReason);
  return responseObject({
    id: responseId(response.id),
    model: response.model,
    createdAt,
    status,
    incompleteDetails: incomplete_details,
    output,
    usage: response.usage,
    ...(request === undefined ? {} : { request }),
  });
}
