import { planCompletion } from './completion-plan';
import { generatedText, mockCompletionText } from './generated-text';
import type { Endpoint, EndpointInput, MockResponse } from './mock-response';
import { usageOf } from './mock-response';
import {
  includeUsageRequested,
  invalidField,
  optionalBoolean,
  optionalInteger,
  requireString,
  type JsonObject,
} from './request-fields';
import { chunkRanges, streamSteps, type TokenRange } from './stream-steps';
import { countPromptTokens } from './token-count';

interface TextCompletion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: object[];
}

const MAX_CHOICES = 128;
const MAX_TOKENS_FIELD = 1_000_000;

/**
 * `POST /v1/completions`, the legacy text API. As with OpenAI, a list of prompts gets `n` choices
 * per prompt (choice `i * n + k` answers prompt `i`).
 */
export const legacyCompletions: Endpoint = (input: EndpointInput): MockResponse => {
  const { body, behaviour, created } = input;
  const model = requireString(body, 'model');
  const prompts = promptCount(body);
  const n = optionalInteger(body, 'n', 1, MAX_CHOICES) ?? 1;
  const choices = prompts * n;
  const plan = planCompletion(behaviour, optionalInteger(body, 'max_tokens', 0, MAX_TOKENS_FIELD), choices);
  const stream = optionalBoolean(body, 'stream') ?? false;
  const includeUsage = stream && behaviour.usage && includeUsageRequested(body);
  const usage = usageOf(countPromptTokens(body['prompt']), plan.tokens * choices);
  const id = `cmpl-mock-${input.seq}`;
  const indexes = Array.from({ length: choices }, (_, index) => index);
  const chunk = (choice: object[]): TextCompletion => ({
    id,
    object: 'text_completion',
    created,
    model,
    choices: choice,
  });
  const choice = (index: number, text: string, finishReason: string | null): object => ({
    text,
    index,
    logprobs: null,
    finish_reason: finishReason,
  });

  if (!stream) {
    const completion = {
      // `null=1` has no null text to give here: the text is empty while usage still counts the tokens.
      ...chunk(
        indexes.map((index) =>
          choice(index, behaviour.null ? '' : mockCompletionText(plan.tokens, index), plan.finishReason),
        ),
      ),
      ...(behaviour.usage ? { usage } : {}),
    };
    return { kind: 'json', body: completion, usage };
  }
  const content = (range: TokenRange): object[] =>
    indexes.map((index) => chunk([choice(index, generatedText(range.start, range.end, index), null)]));
  const closing = (): object[] => {
    const finishes = indexes.map((index) => chunk([choice(index, '', plan.finishReason)]));
    return includeUsage ? [...finishes, { ...chunk([]), usage }] : finishes;
  };
  const ranges = behaviour.null ? [] : chunkRanges(plan.tokens, behaviour.chunks);
  return { kind: 'stream', steps: streamSteps([], ranges, content, closing), usage };
};

/** How many prompts `prompt` holds: a string or token ids are one, a list of either is several. */
function promptCount(body: JsonObject): number {
  const prompt = body['prompt'];
  if (typeof prompt === 'string') return 1;
  if (Array.isArray(prompt) && prompt.length > 0) {
    if (prompt.every((item) => typeof item === 'number' && Number.isInteger(item))) return 1;
    if (prompt.every((item) => typeof item === 'string')) return prompt.length;
    if (prompt.every((item) => Array.isArray(item) && item.every((id) => typeof id === 'number')))
      return prompt.length;
  }
  throw invalidField('prompt', 'a string, an array of strings, token ids or arrays of token ids');
}
