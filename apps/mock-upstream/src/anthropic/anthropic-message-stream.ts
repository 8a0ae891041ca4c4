import { thinkingText, generatedText, toolArgumentsPiece } from '../generated-text';
import { chunkRanges } from '../stream-steps';
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

const PING = { type: 'ping' };

/**
 * The events of a streamed message, in the API's order: `message_start` (usage with the input
 * and cache counts and a first output token), per block `content_block_start`, its deltas and
 * `content_block_stop`, then `message_delta` (stop reason, cumulative usage) and `message_stop`.
 * A `ping` follows the first block's start and another one rides halfway through the deltas, as
 * the API interleaves them. Each delta is one step; the events between deltas ride with the
 * previous one, so a stream of N deltas takes ttft + (N - 1) × chunkDelay.
 */
export function* anthropicMessageSteps(answer: AnthropicAnswer): Generator<object[]> {
  const kinds = blockKinds(answer);
  const total = kinds.reduce((sum, kind) => sum + deltaCount(answer, kind), 0);
  const halfway = total >= 4 ? Math.ceil(total / 2) : -1;
  let step: object[] = [messageStart(answer)];
  let deltas = 0;
  if (kinds.length === 0) step.push(PING);
  for (const [index, kind] of kinds.entries()) {
    step.push({ type: 'content_block_start', index, content_block: blockStart(answer, kind) });
    if (index === 0) step.push(PING);
    for (const delta of blockDeltas(answer, kind)) {
      if (deltas > 0) {
        yield step;
        step = [];
      }
      step.push({ type: 'content_block_delta', index, delta });
      if (++deltas === halfway) step.push(PING);
    }
    step.push({ type: 'content_block_stop', index });
  }
  step.push(messageDelta(answer), { type: 'message_stop' });
  yield step;
}

function messageStart(answer: AnthropicAnswer): object {
  return {
    type: 'message_start',
    message: {
      id: answer.id,
      type: 'message',
      role: 'assistant',
      model: answer.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // The API reports a first output token already here; message_delta has the final count.
      ...(answer.usage ? { usage: messageUsage(answer, Math.min(1, outputTokens(answer))) } : {}),
    },
  };
}

function messageDelta(answer: AnthropicAnswer): object {
  const { prompt } = answer;
  return {
    type: 'message_delta',
    delta: { stop_reason: stopReason(answer), stop_sequence: null },
    ...(answer.usage
      ? {
          usage: {
            input_tokens: prompt.uncached,
            cache_creation_input_tokens: prompt.cacheWrite,
            cache_read_input_tokens: prompt.cacheRead,
            output_tokens: outputTokens(answer),
          },
        }
      : {}),
  };
}

function blockStart(answer: AnthropicAnswer, kind: BlockKind): object {
  if (kind === 'thinking') return { type: 'thinking', thinking: '', signature: '' };
  if (kind === 'tool_use')
    return { type: 'tool_use', id: toolUseId(answer), name: answer.toolName, input: {} };
  return { type: 'text', text: '' };
}

function deltaCount(answer: AnthropicAnswer, kind: BlockKind): number {
  const { thinking, text } = answer.plan;
  if (kind === 'thinking') return chunkRanges(thinking, answer.chunks).length + 1;
  if (kind === 'tool_use') return Math.max(chunkRanges(text.tokens, answer.chunks).length, 1) + 1;
  return chunkRanges(text.tokens, answer.chunks).length;
}

function* blockDeltas(answer: AnthropicAnswer, kind: BlockKind): Generator<object> {
  const { thinking, text } = answer.plan;
  if (kind === 'thinking') {
    for (const range of chunkRanges(thinking, answer.chunks)) {
      yield { type: 'thinking_delta', thinking: thinkingText(range.start, range.end) };
    }
    yield { type: 'signature_delta', signature: thinkingSignature(answer) };
  } else if (kind === 'tool_use') {
    // The API opens a tool's input with an empty piece, then splits the JSON anywhere.
    yield { type: 'input_json_delta', partial_json: '' };
    const ranges = text.tokens === 0 ? [{ start: 0, end: 0 }] : chunkRanges(text.tokens, answer.chunks);
    for (const range of ranges) {
      yield {
        type: 'input_json_delta',
        partial_json: toolArgumentsPiece(range.start, range.end, text.tokens, 0),
      };
    }
  } else {
    for (const range of chunkRanges(text.tokens, answer.chunks)) {
      yield { type: 'text_delta', text: generatedText(range.start, range.end, 0) };
    }
  }
}
