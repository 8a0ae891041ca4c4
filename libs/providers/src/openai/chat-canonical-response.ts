// Chat completions answers ↔ the canonical answer, and the usage and finish-reason vocabularies
// the stream code shares.
import type { CanonicalFinishReason, CanonicalResponse, CanonicalUsage } from '../canonical/canonical-model';
import { isJsonObject, type JsonObject } from '../json/json-object';
import { parseOpenAiUsage } from './usage';

/** An upstream answer the codec cannot read as its format (not the client's fault, not retried blindly). */
export class UpstreamFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamFormatError';
  }
}

// ---------------------------------------------------------------------------------------------
// Finish reasons

/** `function_call` is the legacy name of `tool_calls`; unknown vendor reasons end normally. */
export function canonicalFinishReason(reason: string): CanonicalFinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** OpenAI has no refusal or pause reason: a refusal reads as filtered, a pause as a normal stop. */
export function chatFinishReason(reason: CanonicalFinishReason | null): string {
  switch (reason) {
    case 'length':
    case 'tool_calls':
    case 'content_filter':
      return reason;
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

// ---------------------------------------------------------------------------------------------
// Usage

/** OpenAI's usage already follows the canonical convention (cache writes as OpenRouter reports them). */
export function canonicalUsage(value: unknown): CanonicalUsage | null {
  const usage = parseOpenAiUsage(value);
  if (usage === null) return null;
  return { ...usage, cacheWriteTokens: usage.cacheWriteTokens ?? 0 };
}

export function chatUsage(usage: CanonicalUsage): JsonObject {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

// ---------------------------------------------------------------------------------------------
// Non-stream answers

/**
 * An upstream's chat.completion. Only choices[0] is read: the gateway never asks an upstream for
 * more than one (parseChatRequest refuses n > 1). DeepSeek/vLLM `reasoning_content` and
 * OpenRouter `reasoning` become thinking; a refusal becomes text with finish reason `refusal`.
 */
export function decodeChatResponse(body: unknown): CanonicalResponse {
  if (!isJsonObject(body) || !Array.isArray(body['choices'])) {
    throw new UpstreamFormatError('The upstream answer is not a chat completion (no choices).');
  }
  const choice: unknown = body['choices'][0];
  const message = isJsonObject(choice) && isJsonObject(choice['message']) ? choice['message'] : {};
  const content: CanonicalResponse['content'] = [];
  const reasoning = message['reasoning_content'] ?? message['reasoning'];
  if (typeof reasoning === 'string' && reasoning !== '') content.push({ type: 'thinking', text: reasoning });
  if (typeof message['content'] === 'string' && message['content'] !== '') {
    content.push({ type: 'text', text: message['content'] });
  }
  const refusal = message['refusal'];
  if (typeof refusal === 'string' && refusal !== '') content.push({ type: 'text', text: refusal });
  if (Array.isArray(message['tool_calls'])) {
    message['tool_calls'].forEach((call: unknown, index) => {
      if (!isJsonObject(call) || !isJsonObject(call['function'])) return;
      const fn = call['function'];
      content.push({
        type: 'tool_call',
        id: typeof call['id'] === 'string' ? call['id'] : `call_${index}`,
        name: typeof fn['name'] === 'string' ? fn['name'] : '',
        arguments: typeof fn['arguments'] === 'string' ? fn['arguments'] : '',
      });
    });
  }
  const legacy = message['function_call'];
  if (isJsonObject(legacy) && typeof legacy['name'] === 'string') {
    const args = legacy['arguments'];
    content.push({
      type: 'tool_call',
      id: 'call_0',
      name: legacy['name'],
      arguments: typeof args === 'string' ? args : '',
    });
  }
  const wireReason = isJsonObject(choice) ? choice['finish_reason'] : null;
  const finishReason =
    typeof refusal === 'string' && refusal !== ''
      ? 'refusal'
      : typeof wireReason === 'string'
        ? canonicalFinishReason(wireReason)
        : null;
  return {
    id: typeof body['id'] === 'string' ? body['id'] : '',
    model: typeof body['model'] === 'string' ? body['model'] : '',
    content,
    finishReason,
    usage: canonicalUsage(body['usage']),
  };
}

/** A canonical answer as the chat.completion a client's SDK reads. */
export function encodeChatResponse(response: CanonicalResponse, created = nowSeconds()): JsonObject {
  const text = response.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  const thinking = response.content.flatMap((part) => (part.type === 'thinking' ? [part.text] : [])).join('');
  const calls = response.content.flatMap((part) =>
    part.type === 'tool_call'
      ? [{ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } }]
      : [],
  );
  const message: JsonObject = { role: 'assistant', content: text === '' && calls.length > 0 ? null : text };
  // The field DeepSeek and vLLM use; OpenAI's SDK passes unknown fields through.
  if (thinking !== '') message['reasoning_content'] = thinking;
  if (calls.length > 0) message['tool_calls'] = calls;
  message['refusal'] = null;
  return {
    id: response.id,
    object: 'chat.completion',
    created,
    model: response.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: chatFinishReason(response.finishReason) }],
    ...(response.usage === null ? {} : { usage: chatUsage(response.usage) }),
  };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
