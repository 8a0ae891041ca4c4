import { planThinkingCompletion } from '../completion-plan';
import { generatedText, mockCompletionText, mockToolArguments, thinkingText } from '../generated-text';
import { detailedUsage, splitPrompt, type Endpoint, type MockResponse } from '../mock-response';
import { chunkRanges } from '../stream-steps';
import { countGeminiPromptTokens } from '../token-count';
import {
  blockedResponse,
  candidateTokens,
  finishedCandidate,
  stopsAtOnce,
  responseTail,
  thoughtTokens,
  type GeminiAnswer,
} from './gemini-answer';
import { firstFunctionName, geminiContents, includeThoughts, maxOutputTokens } from './gemini-request';

/**
 * `POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent`. With `alt=sse` the
 * stream is server-sent events; without it Google answers the same chunks as one JSON array.
 */
export function generateContent(model: string, stream: boolean): Endpoint {
  return (input): MockResponse => {
    const { body, behaviour } = input;
    const contents = geminiContents(body);
    // Gemini's implicit cache only reads; writes belong to the separate caching API.
    const prompt = splitPrompt(countGeminiPromptTokens(body['systemInstruction'], contents), {
      ...behaviour,
      cacheWrite: 0,
    });
    const answer: GeminiAnswer = {
      responseId: `mock-response-${input.seq}`,
      model,
      prompt,
      plan: planThinkingCompletion(behaviour, maxOutputTokens(body), includeThoughts(body)),
      functionName: behaviour.tool ? firstFunctionName(body) : undefined,
      nullContent: behaviour.null,
      chunks: behaviour.chunks,
      usage: behaviour.usage,
      safety: behaviour.safety,
      blocked: behaviour.blocked,
      malformed: behaviour.malformed,
    };
    const thoughts = thoughtTokens(answer);
    const usage = detailedUsage(prompt, candidateTokens(answer) + thoughts, thoughts);
    if (!stream) return { kind: 'json', body: geminiResponse(answer), usage };
    if (input.query.get('alt') === 'sse') return { kind: 'stream', steps: geminiStreamSteps(answer), usage };
    return { kind: 'json', body: [...geminiStreamSteps(answer)].flat(), usage };
  };
}

function geminiResponse(answer: GeminiAnswer): object {
  if (answer.blocked) return blockedResponse(answer);
  const parts: object[] = [];
  if (answer.plan.thinking > 0) parts.push({ text: thinkingText(0, answer.plan.thinking), thought: true });
  if (!stopsAtOnce(answer)) {
    const answerPart = contentPart(answer, 0, answer.plan.text.tokens);
    if (answerPart !== undefined) parts.push(answerPart);
  }
  const content = parts.length > 0 ? { content: { parts, role: 'model' } } : {};
  return { candidates: [{ ...content, ...finishedCandidate(answer) }], ...responseTail(answer, true) };
}

/** The part carrying tokens `start` to `end` of the answer: a whole function call, or text. */
function contentPart(answer: GeminiAnswer, start: number, end: number): object | undefined {
  const tokens = answer.plan.text.tokens;
  if (answer.functionName !== undefined) {
    return {
      functionCall: { name: answer.functionName, args: JSON.parse(mockToolArguments(tokens)) as unknown },
    };
  }
  if (answer.nullContent) return undefined;
  return { text: start === 0 && end === tokens ? mockCompletionText(tokens) : generatedText(start, end, 0) };
}

/**
 * The chunks of a streamed answer: thoughts, then text pieces (a function call comes whole, in one
 * chunk, as Gemini sends it), each carrying the prompt's usage so far; then a last chunk with no
 * content, only the finish reason and the final `usageMetadata`. The last chunk rides with the
 * last piece, so N pieces take ttft + (N - 1) × chunkDelay.
 */
export function* geminiStreamSteps(answer: GeminiAnswer): Generator<object[]> {
  if (answer.blocked) {
    yield [blockedResponse(answer)];
    return;
  }
  const chunk = (part: object): object => ({
    candidates: [{ content: { parts: [part], role: 'model' }, index: 0 }],
    ...responseTail(answer, false),
  });
  const pieces: Array<() => object> = [];
  for (const range of chunkRanges(answer.plan.thinking, answer.chunks)) {
    pieces.push(() => chunk({ text: thinkingText(range.start, range.end), thought: true }));
  }
  if (!stopsAtOnce(answer)) {
    const tokens = answer.plan.text.tokens;
    const ranges =
      answer.functionName !== undefined ? [{ start: 0, end: tokens }] : chunkRanges(tokens, answer.chunks);
    for (const range of ranges) {
      const part = contentPart(answer, range.start, range.end);
      if (part !== undefined) pieces.push(() => chunk(part));
    }
  }
  const last = { candidates: [finishedCandidate(answer)], ...responseTail(answer, true) };
  if (pieces.length === 0) {
    yield [last];
    return;
  }
  for (const [index, piece] of pieces.entries()) {
    yield index === pieces.length - 1 ? [piece(), last] : [piece()];
  }
}
