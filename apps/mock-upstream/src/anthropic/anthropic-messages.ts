import { planThinkingCompletion } from '../completion-plan';
import { mockCompletionText, mockToolArguments, thinkingText } from '../generated-text';
import { detailedUsage, splitPrompt, type Endpoint, type MockResponse } from '../mock-response';
import { optionalBoolean } from '../request-fields';
import { countAnthropicPromptTokens } from '../token-count';
import {
  blockKinds,
  messageUsage,
  outputTokens,
  stopReason,
  thinkingSignature,
  toolUseId,
  type AnthropicAnswer,
  type BlockKind,
} from './anthropic-answer';
import { anthropicMessageSteps } from './anthropic-message-stream';
import {
  anthropicInvalid,
  anthropicMaxTokens,
  anthropicMessageList,
  anthropicModel,
  checkThinkingRules,
  firstAnthropicTool,
  thinkingEnabled,
} from './anthropic-request';

/** `POST /v1/messages`: a `message`, or its event stream with `stream: true`. */
export const anthropicMessages: Endpoint = (input): MockResponse => {
  const { body, behaviour } = input;
  const model = anthropicModel(body);
  const messages = anthropicMessageList(body);
  const maxTokens = anthropicMaxTokens(body);
  const stream = optionalBoolean(body, 'stream') ?? false;
  const thinking = thinkingEnabled(body);
  if (thinking) checkThinkingRules(body, messages);
  const prompt = splitPrompt(countAnthropicPromptTokens(body['system'], messages), behaviour);
  const answer: AnthropicAnswer = {
    id: `msg_mock_${input.seq}`,
    model,
    prompt,
    plan: planThinkingCompletion(behaviour, maxTokens, thinking),
    toolName: behaviour.tool ? firstAnthropicTool(body) : undefined,
    nullContent: behaviour.null,
    chunks: behaviour.chunks,
    usage: behaviour.usage,
  };
  const usage = detailedUsage(prompt, outputTokens(answer), answer.plan.thinking);
  if (stream) return { kind: 'stream', steps: anthropicMessageSteps(answer), usage };
  const message = {
    id: answer.id,
    type: 'message',
    role: 'assistant',
    model,
    content: blockKinds(answer).map((kind) => contentBlock(answer, kind)),
    stop_reason: stopReason(answer),
    stop_sequence: null,
    ...(answer.usage ? { usage: messageUsage(answer, outputTokens(answer)) } : {}),
  };
  return { kind: 'json', body: message, usage };
};

function contentBlock(answer: AnthropicAnswer, kind: BlockKind): object {
  const { thinking, text } = answer.plan;
  if (kind === 'thinking') {
    return { type: 'thinking', thinking: thinkingText(0, thinking), signature: thinkingSignature(answer) };
  }
  if (kind === 'tool_use') {
    return {
      type: 'tool_use',
      id: toolUseId(answer),
      name: answer.toolName,
      input: JSON.parse(mockToolArguments(text.tokens)) as unknown,
    };
  }
  return { type: 'text', text: mockCompletionText(text.tokens) };
}

/** `POST /v1/messages/count_tokens`: the prompt tokens a message request would bill. */
export const anthropicCountTokens: Endpoint = ({ body }) => {
  anthropicModel(body);
  const messages = anthropicMessageList(body);
  if (messages.length === 0) throw anthropicInvalid('messages', 'List should have at least 1 item');
  return { kind: 'json', body: { input_tokens: countAnthropicPromptTokens(body['system'], messages) } };
};
