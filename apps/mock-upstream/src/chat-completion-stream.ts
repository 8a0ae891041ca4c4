import {
  streamedRanges,
  toolArgumentsChoice,
  toolArgumentsForm,
  toolCallId,
  toolCallsFinishReason,
  type ChatAnswer,
} from './chat-answer';
import { generatedText, toolArgumentsPiece } from './generated-text';
import type { Usage } from './mock-response';
import { streamSteps, type TokenRange } from './stream-steps';

/**
 * The `chat.completion.chunk`s of a chat answer, in OpenAI's order: per choice a role delta (with
 * the tool call's id, type and name for a tool call), content or argument pieces, a finish delta;
 * then, with `include_usage`, a chunk with `choices: []` and the usage (earlier chunks carry
 * `usage: null`, as OpenAI sends them). Each chunk carries one choice. Parallel tool calls
 * (`toolCalls`) are announced one chunk each, then each content step carries one argument piece of
 * every call in turn, so the calls' arguments interleave (index 0, 1, 0, 1, …) as OpenAI's do.
 * With `cumulativeArgs` each piece is the call's arguments so far, as some OpenAI-compatible
 * servers send them.
 */
export function chatCompletionSteps(answer: ChatAnswer, usage: Usage): Generator<object[]> {
  const { tokens, finishReason } = answer.plan;
  const choiceIndexes = Array.from({ length: answer.choices }, (_, index) => index);
  const chunk = (choices: object[]): object => ({
    id: answer.id,
    object: 'chat.completion.chunk',
    created: answer.created,
    model: answer.model,
    choices,
    ...(answer.includeUsage ? { usage: null } : {}),
  });
  const delta = (index: number, fields: object, finish: string | null = null): object =>
    chunk([{ index, delta: fields, logprobs: null, finish_reason: finish }]);

  const toolNames = answer.toolNames;
  const announce = (index: number, call: number, name: string): object => ({
    index: call,
    id: toolCallId(answer, index, call),
    type: 'function',
    function: { name, arguments: '' },
  });
  const opening = choiceIndexes.flatMap((index) =>
    toolNames === undefined
      ? [delta(index, { role: 'assistant', content: '', refusal: null })]
      : toolNames.map((name, call) =>
          call === 0
            ? delta(index, {
                role: 'assistant',
                content: null,
                refusal: null,
                tool_calls: [announce(index, call, name)],
              })
            : delta(index, { tool_calls: [announce(index, call, name)] }),
        ),
  );
  const content = (range: TokenRange): object[] =>
    choiceIndexes.flatMap((index) =>
      toolNames === undefined
        ? [delta(index, { content: generatedText(range.start, range.end, index) })]
        : toolNames.map((_, call) =>
            delta(index, {
              tool_calls: [
                {
                  index: call,
                  function: {
                    arguments: toolArgumentsPiece(
                      // Cumulative: the arguments so far, from their start, in every chunk.
                      answer.cumulativeArgs ? 0 : range.start,
                      range.end,
                      tokens,
                      toolArgumentsChoice(index, call),
                      toolArgumentsForm(answer, call),
                    ),
                  },
                },
              ],
            }),
          ),
    );
  const closing = (): object[] => {
    const finish = toolNames === undefined ? finishReason : toolCallsFinishReason(answer);
    const finishes = choiceIndexes.map((index) => delta(index, {}, finish));
    if (!answer.includeUsage) return finishes;
    return [
      ...finishes,
      {
        id: answer.id,
        object: 'chat.completion.chunk',
        created: answer.created,
        model: answer.model,
        choices: [],
        usage,
      },
    ];
  };
  return streamSteps(opening, streamedRanges(answer), content, closing);
}
