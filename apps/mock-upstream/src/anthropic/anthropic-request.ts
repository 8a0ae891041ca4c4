import { HttpError } from '../http-error';
import { isJsonObject, type JsonObject } from '../request-fields';

// Anthropic's validation messages name the field first: `max_tokens: Field required`.

export function anthropicInvalid(field: string, problem: string): HttpError {
  return new HttpError(400, `${field}: ${problem}`, 'invalid_request_error', field);
}

export function anthropicModel(body: JsonObject): string {
  const model = body['model'];
  if (model === undefined) throw anthropicInvalid('model', 'Field required');
  if (typeof model !== 'string' || model === '')
    throw anthropicInvalid('model', 'Input should be a valid string');
  return model;
}

export function anthropicMessageList(body: JsonObject): unknown[] {
  const messages = body['messages'];
  if (messages === undefined) throw anthropicInvalid('messages', 'Field required');
  if (!Array.isArray(messages)) throw anthropicInvalid('messages', 'Input should be a valid list');
  messages.forEach((message, index) => {
    const field = `messages.${index}`;
    if (!isJsonObject(message)) throw anthropicInvalid(field, 'Input should be a valid dictionary');
    if (message['role'] !== 'user' && message['role'] !== 'assistant') {
      throw anthropicInvalid(`${field}.role`, "Input should be 'user' or 'assistant'");
    }
    const content = message['content'];
    if (typeof content !== 'string' && !Array.isArray(content)) {
      throw anthropicInvalid(`${field}.content`, 'Input should be a valid string or list');
    }
    if (Array.isArray(content) && content.length === 0 && index < messages.length - 1) {
      throw anthropicInvalid(
        field,
        'all messages must have non-empty content except for the optional final assistant message',
      );
    }
  });
  return messages;
}

/** `max_tokens`, which the Messages API requires. */
export function anthropicMaxTokens(body: JsonObject): number {
  const maxTokens = body['max_tokens'];
  if (maxTokens === undefined) throw anthropicInvalid('max_tokens', 'Field required');
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
    throw anthropicInvalid('max_tokens', 'Input should be an integer greater than or equal to 1');
  }
  return maxTokens;
}

/** Whether `thinking` asks for extended thinking (`enabled`, or `adaptive` on newer models). */
export function thinkingEnabled(body: JsonObject): boolean {
  const thinking = body['thinking'];
  if (thinking === undefined || thinking === null) return false;
  if (!isJsonObject(thinking)) throw anthropicInvalid('thinking', 'Input should be a valid dictionary');
  return thinking['type'] === 'enabled' || thinking['type'] === 'adaptive';
}

/** The first tool's name, or undefined when the request has no tools. */
export function firstAnthropicTool(body: JsonObject): string | undefined {
  const tools = body['tools'];
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw anthropicInvalid('tools', 'Input should be a valid list');
  if (tools.length === 0) return undefined;
  const first: unknown = tools[0];
  const name = isJsonObject(first) ? first['name'] : undefined;
  if (typeof name !== 'string' || name === '') throw anthropicInvalid('tools.0.name', 'Field required');
  return name;
}

/**
 * What Anthropic refuses of a request with thinking on: a `tool_choice` that forces tool use, and a
 * tool-use cycle whose last assistant turn does not start with its thinking (a client that dropped
 * or could not replay it).
 */
export function checkThinkingRules(body: JsonObject, messages: unknown[]): void {
  const choice = body['tool_choice'];
  if (isJsonObject(choice) && (choice['type'] === 'any' || choice['type'] === 'tool')) {
    throw anthropicInvalid('tool_choice', 'Thinking may not be enabled when tool_choice forces tool use.');
  }
  const last = messages.length - 1;
  const answered = messages[last] as JsonObject | undefined;
  const asked = messages[last - 1] as JsonObject | undefined;
  if (answered?.['role'] !== 'user' || asked?.['role'] !== 'assistant') return;
  const blocks = (message: JsonObject): JsonObject[] =>
    Array.isArray(message['content']) ? (message['content'] as unknown[]).filter(isJsonObject) : [];
  const cycle =
    blocks(answered).some((block) => block['type'] === 'tool_result') &&
    blocks(asked).some((block) => block['type'] === 'tool_use');
  const first = blocks(asked)[0]?.['type'];
  if (!cycle || first === 'thinking' || first === 'redacted_thinking') return;
  throw anthropicInvalid(
    `messages.${last - 1}.content.0.type`,
    `Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`.`,
  );
}
