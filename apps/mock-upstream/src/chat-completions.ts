import {
  toolArgumentsChoice,
  toolArgumentsForm,
  toolCallId,
  toolCallsFinishReason,
  type ChatAnswer,
} from './chat-answer';
import { chatCompletionSteps } from './chat-completion-stream';
import { planCompletion } from './completion-plan';
import { mockCompletionText, mockToolArguments } from './generated-text';
import type { Endpoint, EndpointInput, MockResponse } from './mock-response';
import { usageOf } from './mock-response';
import {
  includeUsageRequested,
  invalidField,
  isJsonObject,
  optionalBoolean,
  optionalInteger,
  requireArray,
  requireString,
  type JsonObject,
} from './request-fields';
import { countChatPromptTokens } from './token-count';

/** OpenAI's own bound on `n`. */
const MAX_CHOICES = 128;
const MAX_TOKENS_FIELD = 1_000_000;

export const chatCompletions: Endpoint = (input: EndpointInput): MockResponse => {
  const { body, behaviour } = input;
  const model = requireString(body, 'model');
  const messages = requireArray(body, 'messages');
  messages.forEach((message, index) => {
    if (!isJsonObject(message) || typeof message['role'] !== 'string') {
      throw invalidField(`messages[${index}]`, 'an object with a string role');
    }
  });
  const choices = optionalInteger(body, 'n', 1, MAX_CHOICES) ?? 1;
  const maxTokens =
    optionalInteger(body, 'max_completion_tokens', 0, MAX_TOKENS_FIELD) ??
    optionalInteger(body, 'max_tokens', 0, MAX_TOKENS_FIELD);
  const stream = optionalBoolean(body, 'stream') ?? false;
  const answer: ChatAnswer = {
    id: `chatcmpl-mock-${input.seq}`,
    created: input.created,
    model,
    choices,
    plan: planCompletion(behaviour, maxTokens, choices),
    chunks: behaviour.chunks,
    toolNames: behaviour.tool ? toolNames(body, behaviour.toolCalls) : undefined,
    nullContent: behaviour.null,
    includeUsage: stream && behaviour.usage && includeUsageRequested(body),
    cumulativeArgs: behaviour.cumulativeArgs,
    slipArgs: behaviour.slipArgs,
    toolCut: behaviour.toolCut,
  };
  const usage = usageOf(
    countChatPromptTokens(messages) + behaviour.promptExtra,
    answer.plan.tokens * choices * (answer.toolNames?.length ?? 1),
  );
  if (stream) return { kind: 'stream', steps: chatCompletionSteps(answer, usage), usage };
  const completion = {
    id: answer.id,
    object: 'chat.completion',
    created: answer.created,
    model,
    choices: Array.from({ length: choices }, (_, index) => chatChoice(answer, index)),
    ...(behaviour.usage ? { usage } : {}),
  };
  return { kind: 'json', body: completion, usage };
};

function chatChoice(answer: ChatAnswer, index: number): object {
  const { tokens, finishReason } = answer.plan;
  if (answer.toolNames !== undefined) {
    const toolCalls = answer.toolNames.map((name, call) => ({
      id: toolCallId(answer, index, call),
      type: 'function',
      function: {
        name,
        arguments: mockToolArguments(
          tokens,
          toolArgumentsChoice(index, call),
          toolArgumentsForm(answer, call),
        ),
      },
    }));
    return {
      index,
      message: { role: 'assistant', content: null, refusal: null, tool_calls: toolCalls },
      finish_reason: toolCallsFinishReason(answer),
      logprobs: null,
    };
  }
  const content = answer.nullContent ? null : mockCompletionText(tokens, index);
  return {
    index,
    message: { role: 'assistant', content, refusal: null },
    finish_reason: finishReason,
    logprobs: null,
  };
}

/**
 * The names of `count` tools to call, the request's tools in turn from the first, or undefined when
 * the request has no tools (then the answer is plain text).
 */
function toolNames(body: JsonObject, count: number): string[] | undefined {
  const tools = body['tools'];
  if (tools === undefined || tools === null || (Array.isArray(tools) && tools.length === 0)) return undefined;
  const list: unknown[] = Array.isArray(tools) ? tools : [undefined];
  return Array.from({ length: count }, (_, call) => toolName(list, call % list.length));
}

function toolName(tools: readonly unknown[], index: number): string {
  const tool = tools[index];
  const fn = isJsonObject(tool) ? tool['function'] : undefined;
  const name = isJsonObject(fn) ? fn['name'] : undefined;
  if (typeof name !== 'string' || name === '')
    throw invalidField(`tools[${index}].function.name`, 'a non-empty string');
  return name;
}
