// Usage of a non-stream OpenAI-format response (chat, legacy completions, embeddings).
import { isJsonObject, type JsonObject } from '../json/json-object';
import type { ResponseUsage } from '../provider-adapter';
import { countTextTokens } from '../usage/token-counter';
import { promptCountOf, type PromptCount, type Usage } from '../usage/usage';
import { parseOpenAiUsage } from './usage';

/**
 * The upstream's usage, or null when the response has none. Content is not looked at: a choice
 * with `content: null` (a tool call, a filtered answer) still bills the tokens it reports.
 */
export function extractResponseUsage(body: unknown): Usage | null {
  return isJsonObject(body) ? parseOpenAiUsage(body['usage']) : null;
}

export interface CountedCompletion {
  /** Every generated token, reasoning included (as OpenAI counts them). */
  completionTokens: number;
  reasoningTokens: number;
}

/**
 * The fallback: tokens counted from every choice's text (content, refusal, reasoning, tool call
 * names and arguments; `text` for legacy completions). Approximate, see token-counter.
 */
export function countResponseCompletion(body: unknown): CountedCompletion {
  const counted = { completionTokens: 0, reasoningTokens: 0 };
  if (!isJsonObject(body) || !Array.isArray(body['choices'])) return counted;
  for (const choice of body['choices']) {
    if (!isJsonObject(choice)) continue;
    if (typeof choice['text'] === 'string') counted.completionTokens += countTextTokens(choice['text']);
    if (isJsonObject(choice['message'])) addMessage(counted, choice['message']);
  }
  return counted;
}

function addMessage(counted: CountedCompletion, message: JsonObject): void {
  for (const field of ['content', 'refusal']) counted.completionTokens += textTokens(message[field]);
  for (const field of ['reasoning_content', 'reasoning']) {
    const reasoning = textTokens(message[field]);
    counted.completionTokens += reasoning;
    counted.reasoningTokens += reasoning;
  }
  for (const call of Array.isArray(message['tool_calls']) ? message['tool_calls'] : []) {
    const fn = isJsonObject(call) ? call['function'] : undefined;
    if (isJsonObject(fn)) counted.completionTokens += textTokens(fn['name']) + textTokens(fn['arguments']);
  }
}

/** Whether any choice carries generated text (not an embedding, nor an empty answer). */
function hasAnswerText(body: unknown): boolean {
  if (!isJsonObject(body) || !Array.isArray(body['choices'])) return false;
  return body['choices'].some((choice) => {
    if (!isJsonObject(choice)) return false;
    if (typeof choice['text'] === 'string' && choice['text'] !== '') return true;
    const message = choice['message'];
    if (!isJsonObject(message)) return false;
    const text = (field: string) => typeof message[field] === 'string' && message[field] !== '';
    return (
      text('content') ||
      text('refusal') ||
      (Array.isArray(message['tool_calls']) && message['tool_calls'].length > 0)
    );
  });
}

function textTokens(value: unknown): number {
  return typeof value === 'string' ? countTextTokens(value) : 0;
}

/**
 * What to bill for a non-stream response: the upstream's usage, else the gateway's count. An upstream
 * that reports no output for an answer that has some is counted for its output (its prompt count kept).
 */
export function responseUsage(body: unknown, promptTokens: PromptCount): ResponseUsage {
  const upstream = extractResponseUsage(body);
  if (upstream !== null && (upstream.completionTokens > 0 || !hasAnswerText(body))) {
    return { usage: upstream, usageSource: 'upstream' };
  }
  if (upstream !== null) {
    return { usage: { ...upstream, ...countResponseCompletion(body) }, usageSource: 'counted' };
  }
  return {
    usage: { promptTokens: promptCountOf(promptTokens), ...countResponseCompletion(body), cachedTokens: 0 },
    usageSource: 'counted',
  };
}
