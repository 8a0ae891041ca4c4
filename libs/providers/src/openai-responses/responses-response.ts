// The Responses API's `response` object, built from a canonical answer: output items (reasoning,
// message, function_call), status (incomplete for length and content filter) and usage.
import type {
  CanonicalFinishReason,
  CanonicalRequest,
  CanonicalResponse,
  CanonicalUsage,
} from '../canonical/canonical-model';
import type { JsonObject } from '../json/json-object';

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

/** The whole `response` object; the request's settings are echoed as OpenAI does, when known. */
export function responseObject(envelope: ResponseEnvelope): JsonObject {
  const request = envelope.request;
  const format = request?.responseFormat ?? { type: 'text' };
  return {
    id: envelope.id,
    object: 'response',
    created_at: envelope.createdAt,
    status: envelope.status,
    error: envelope.error ?? null,
    incomplete_details: envelope.incompleteDetails ?? null,
    instructions: request === undefined || request.system.length === 0 ? null : request.system[0].text,
    max_output_tokens: request?.maxOutputTokens ?? null,
    model: envelope.model,
    output: envelope.output,
    parallel_tool_calls: request?.parallelToolCalls ?? true,
    previous_response_id: null,
    reasoning: { effort: request?.reasoning?.effort ?? null, summary: null },
    store: false,
    temperature: request?.temperature ?? null,
    text: { format },
    tool_choice:
      request?.toolChoice === undefined || request.toolChoice === null
        ? 'auto'
        : typeof request.toolChoice === 'string'
          ? request.toolChoice
          : { type: 'function', name: request.toolChoice.name },
    tools: (request?.tools ?? []).map((tool) => ({
      type: 'function',
      name: tool.name,
      description: tool.description ?? null,
      parameters: tool.parameters,
      strict: tool.strict ?? null,
    })),
    top_p: request?.topP ?? null,
    truncation: 'disabled',
    usage: envelope.usage === null ? null : responsesUsage(envelope.usage),
    metadata: {},
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

/** Thinking is shown as a reasoning summary: that is where Responses clients look for it. */
export function reasoningItem(id: string, text: string): JsonObject {
  return { type: 'reasoning', id, summary: text === '' ? [] : [{ type: 'summary_text', text }] };
}

export function encodeResponsesResponse(
  response: CanonicalResponse,
  createdAt = Math.floor(Date.now() / 1000),
): JsonObject {
  const output: JsonObject[] = [];
  const thinking = response.content.flatMap((part) => (part.type === 'thinking' ? [part.text] : [])).join('');
  if (thinking !== '') output.push(reasoningItem(`rs_${response.id}`, thinking));
  const text = response.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  if (text !== '') output.push(messageItem(`msg_${response.id}`, text, 'completed'));
  for (const part of response.content) {
    if (part.type === 'tool_call') {
      output.push(functionCallItem(`fc_${part.id}`, part.id, part.name, part.arguments, 'completed'));
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
  });
}
