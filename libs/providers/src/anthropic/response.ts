// Anthropic's non-stream answer (a Message), both ways.
import type { CanonicalResponse } from '../canonical/canonical-model';
import { isJsonObject, type JsonObject } from '../json/json-object';
import { fromAnthropicStopReason, toAnthropicStopReason } from './finish-reason';
import { ANTHROPIC_SIGNER, anthropicSignature } from './thinking-signature';
import { anthropicUsage, readAnthropicUsage, toCanonicalUsage } from './usage';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * An upstream Message → canonical. Blocks no other format has (server tool calls and their results,
 * citations) are left out; text, thinking (signed or redacted) and tool calls keep their order.
 */
export function decodeAnthropicResponse(body: unknown): CanonicalResponse {
  const message = isJsonObject(body) ? body : {};
  const blocks = Array.isArray(message['content']) ? message['content'] : [];
  const content: CanonicalResponse['content'] = [];
  for (const block of blocks) {
    if (!isJsonObject(block)) continue;
    switch (block['type']) {
      case 'text':
        content.push({ type: 'text', text: text(block['text']) });
        break;
      case 'thinking':
        content.push({
          type: 'thinking',
          text: text(block['thinking']),
          signature: text(block['signature']),
          signedBy: ANTHROPIC_SIGNER,
        });
        break;
      case 'redacted_thinking':
        content.push({ type: 'thinking', text: '', redacted: text(block['data']) });
        break;
      case 'tool_use':
        content.push({
          type: 'tool_call',
          id: text(block['id']),
          name: text(block['name']),
          arguments: JSON.stringify(isJsonObject(block['input']) ? block['input'] : {}),
        });
        break;
    }
  }
  return {
    id: text(message['id']),
    model: text(message['model']),
    content,
    finishReason: fromAnthropicStopReason(message['stop_reason']),
    usage: isJsonObject(message['usage']) ? toCanonicalUsage(readAnthropicUsage(message['usage'])) : null,
  };
}

/** Tool arguments as generated may not be an object (a model's slip); Anthropic's `input` must be one. */
function toolInput(argumentsText: string): JsonObject {
  try {
    const parsed: unknown = JSON.parse(argumentsText);
    return isJsonObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/** Canonical → the Message a /v1/messages client reads. */
export function encodeAnthropicResponse(response: CanonicalResponse): JsonObject {
  const content = response.content.map((part): JsonObject => {
    if (part.type === 'text') return { type: 'text', text: part.text };
    if (part.type === 'tool_call') {
      return { type: 'tool_use', id: part.id, name: part.name, input: toolInput(part.arguments) };
    }
    return part.redacted !== undefined
      ? { type: 'redacted_thinking', data: part.redacted }
      : { type: 'thinking', thinking: part.text, signature: anthropicSignature(part) };
  });
  return {
    id: response.id,
    type: 'message',
    role: 'assistant',
    model: response.model,
    content,
    stop_reason: toAnthropicStopReason(response.finishReason),
    stop_sequence: null,
    usage: anthropicUsage(
      response.usage ?? {
        promptTokens: 0,
        completionTokens: 0,
        cachedTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
      },
    ),
  };
}
