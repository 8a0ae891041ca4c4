/**
 * How the mock answers one request. Tests pick it per request through the API key (the gateway
 * forwards its own channel key, never the client's headers), options after the model name in an
 * OpenAI-format body (`mock-gpt;status=429`, for one model of a key), or the `x-mock` header.
 * Field names are the option names, so what a test writes is what it reads back in a record.
 */
export interface MockBehaviour {
  /** Milliseconds before a non-stream or error response (and before a stream when `ttft` is unset). */
  latency: number;
  /** Milliseconds before the first stream chunk; the headers go out with that chunk. */
  ttft?: number;
  /** Content chunks per stream choice; unset means one chunk per token. */
  chunks?: number;
  /** Milliseconds between consecutive content chunks of a stream. */
  chunkDelay: number;
  /** Completion tokens to generate per choice, before `max_tokens` caps it. */
  tokens: number;
  /** 200, or the 4xx/5xx status to fail with. */
  status: number;
  /** Seconds sent in a `Retry-After` header with a failure status. */
  retryAfter?: number;
  /** Never answer; the request stays open until the client or `close()` ends it. */
  hang: boolean;
  /** Cut the connection after this many stream chunks (0: before any byte of the response). */
  drop?: number;
  /** Report usage (false: no `usage` field and no usage chunk). */
  usage: boolean;
  /** Answer with a call of the request's first tool when it has tools. */
  tool: boolean;
  /**
   * Chat completions with `tool`: call this many of the request's tools (in turn, from the first),
   * a stream interleaving their argument pieces chunk by chunk, as OpenAI streams parallel calls.
   */
  toolCalls: number;
  /** Chat completions stream with `tool`: every argument chunk carries the call's arguments so far (some vLLM, llama.cpp and proxy builds). */
  cumulativeArgs: boolean;
  /** Chat completions with `tool`: the first call's arguments are a bare JSON string of its words, not an object (a model's slip). */
  slipArgs: boolean;
  /** Chat completions with `tool`: a `max_tokens` that cuts the answer cuts the calls' arguments too, with `finish_reason: length`. */
  toolCut: boolean;
  /** Non-stream: `content: null`; stream: no content chunks. Usage still counts the tokens. */
  null: boolean;
  /** Apply the failure (status, hang, drop or streamError) only to the first `fail` requests with the same key and header. */
  fail?: number;
  /** Apply the failure only to every `every`-th request with the same key and header (the Nth, 2Nth, …); the others succeed. */
  every?: number;
  /** End a stream after this many chunks with the format's own mid-stream error event (0: before any content). */
  streamError?: number;
  /** Thinking tokens, when the request enables thinking (Anthropic `thinking`, Gemini `thinkingConfig.includeThoughts`). */
  reasoning: number;
  /** Prompt tokens reported as read from the provider's cache (capped by the prompt). */
  cacheRead: number;
  /** Prompt tokens reported as written to the cache (Anthropic `cache_creation_input_tokens`). */
  cacheWrite: number;
  /** Chat completions: prompt tokens reported on top of the counted prompt (an upstream that counts more than the gateway guessed). */
  promptExtra: number;
  /** Gemini: the answer stops with `finishReason: SAFETY`. */
  safety: boolean;
  /** Gemini: the prompt is blocked (`promptFeedback.blockReason`), no candidates. */
  blocked: boolean;
  /** Gemini: the answer stops at once with `finishReason: MALFORMED_FUNCTION_CALL`, no content. */
  malformed: boolean;
  /** The model's context in tokens: a longer prompt is refused with the format's own context-length error. */
  context?: number;
}

export const DEFAULT_BEHAVIOUR: Readonly<MockBehaviour> = Object.freeze({
  latency: 0,
  chunkDelay: 0,
  tokens: 12,
  status: 200,
  hang: false,
  usage: true,
  tool: false,
  toolCalls: 1,
  cumulativeArgs: false,
  slipArgs: false,
  toolCut: false,
  null: false,
  reasoning: 4,
  cacheRead: 0,
  cacheWrite: 0,
  promptExtra: 0,
  safety: false,
  blocked: false,
  malformed: false,
});

/** A mock option that is unknown or has a bad value: the mock answers 400 naming `option`. */
export class BehaviourError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
    this.name = 'BehaviourError';
  }
}

type NumericOption =
  | 'latency'
  | 'ttft'
  | 'chunks'
  | 'chunkDelay'
  | 'tokens'
  | 'status'
  | 'retryAfter'
  | 'drop'
  | 'fail'
  | 'every'
  | 'streamError'
  | 'reasoning'
  | 'cacheRead'
  | 'cacheWrite'
  | 'promptExtra'
  | 'context'
  | 'toolCalls';
type FlagOption =
  | 'hang'
  | 'usage'
  | 'tool'
  | 'cumulativeArgs'
  | 'slipArgs'
  | 'toolCut'
  | 'null'
  | 'safety'
  | 'blocked'
  | 'malformed';

interface IntegerRange {
  min: number;
  max: number;
  expected: string;
  accept?: (value: number) => boolean;
}

const TEN_MINUTES_MS = 600_000;
const milliseconds: IntegerRange = {
  min: 0,
  max: TEN_MINUTES_MS,
  expected: `milliseconds from 0 to ${TEN_MINUTES_MS}`,
};

/** Upper bound of `tokens`: large enough to fill socket buffers in backpressure tests, small enough to stay cheap. */
export const MAX_TOKENS_OPTION = 100_000;

const NUMERIC_OPTIONS: Record<NumericOption, IntegerRange> = {
  latency: milliseconds,
  ttft: milliseconds,
  chunkDelay: milliseconds,
  chunks: { min: 1, max: MAX_TOKENS_OPTION, expected: `an integer from 1 to ${MAX_TOKENS_OPTION}` },
  tokens: { min: 0, max: MAX_TOKENS_OPTION, expected: `an integer from 0 to ${MAX_TOKENS_OPTION}` },
  status: {
    min: 200,
    max: 599,
    expected: '200 or an HTTP status from 400 to 599',
    accept: (status) => status === 200 || status >= 400,
  },
  retryAfter: { min: 0, max: 86_400, expected: 'seconds from 0 to 86400' },
  drop: { min: 0, max: 1_000_000, expected: 'a chunk count from 0 to 1000000' },
  fail: { min: 0, max: 1_000_000, expected: 'a request count from 0 to 1000000' },
  every: { min: 1, max: 1_000_000, expected: 'a request count from 1 to 1000000' },
  streamError: { min: 0, max: 1_000_000, expected: 'a chunk count from 0 to 1000000' },
  reasoning: { min: 0, max: MAX_TOKENS_OPTION, expected: `an integer from 0 to ${MAX_TOKENS_OPTION}` },
  cacheRead: { min: 0, max: 10_000_000, expected: 'a token count from 0 to 10000000' },
  cacheWrite: { min: 0, max: 10_000_000, expected: 'a token count from 0 to 10000000' },
  promptExtra: { min: 0, max: 10_000_000, expected: 'a token count from 0 to 10000000' },
  context: { min: 1, max: 10_000_000, expected: 'a token count from 1 to 10000000' },
  toolCalls: { min: 1, max: 16, expected: 'a call count from 1 to 16' },
};

const FLAG_OPTIONS: readonly FlagOption[] = [
  'hang',
  'usage',
  'tool',
  'cumulativeArgs',
  'slipArgs',
  'toolCut',
  'null',
  'safety',
  'blocked',
  'malformed',
];
const FLAG_VALUES: Readonly<Record<string, boolean>> = { '1': true, true: true, '0': false, false: false };

const KNOWN_OPTIONS = [...Object.keys(NUMERIC_OPTIONS), ...FLAG_OPTIONS].join(', ');

function isNumericOption(name: string): name is NumericOption {
  return Object.prototype.hasOwnProperty.call(NUMERIC_OPTIONS, name);
}

function isFlagOption(name: string): name is FlagOption {
  return (FLAG_OPTIONS as readonly string[]).includes(name);
}

/**
 * Reads the behaviour of one request.
 *
 * - `apiKey`: `;`-separated segments; the first is an opaque prefix (so real-looking keys such as
 *   `sk-mock` work unchanged), every later one is a `name=value` option: `sk-mock;status=429;retryAfter=3`.
 * - `header` (the `x-mock` header): `name=value;name=value`, no prefix; each option overrides the key's.
 *
 * Empty segments and spaces around names and values are ignored. `fail` or `every` without a failure implies `status=500`.
 * Throws `BehaviourError` for an unknown option or a bad value, so a typo in a test fails loudly.
 */
export function parseBehaviour(apiKey: string | undefined, header?: string): MockBehaviour {
  const behaviour: MockBehaviour = { ...DEFAULT_BEHAVIOUR };
  if (apiKey !== undefined) applyOptions(behaviour, apiKey.split(';').slice(1), 'API key');
  if (header !== undefined) applyOptions(behaviour, header.split(';'), 'x-mock header');
  const failsOtherwise =
    behaviour.status !== 200 ||
    behaviour.hang ||
    behaviour.drop !== undefined ||
    behaviour.streamError !== undefined;
  if ((behaviour.fail !== undefined || behaviour.every !== undefined) && !failsOtherwise)
    behaviour.status = 500;
  return behaviour;
}

function applyOptions(behaviour: MockBehaviour, segments: readonly string[], source: string): void {
  for (const segment of segments) {
    if (segment.trim() === '') continue;
    const equals = segment.indexOf('=');
    if (equals < 0) {
      const name = segment.trim();
      throw new BehaviourError(name, `Mock option "${name}" in the ${source} must be written name=value`);
    }
    const name = segment.slice(0, equals).trim();
    const raw = segment.slice(equals + 1).trim();
    if (isNumericOption(name)) {
      behaviour[name] = parseInteger(name, raw, NUMERIC_OPTIONS[name], source);
    } else if (isFlagOption(name)) {
      const flag = FLAG_VALUES[raw];
      if (flag === undefined) throw invalidValue(name, raw, '0 or 1', source);
      behaviour[name] = flag;
    } else {
      throw new BehaviourError(
        name,
        `Unknown mock option "${name}" in the ${source}; known options: ${KNOWN_OPTIONS}`,
      );
    }
  }
}

function parseInteger(name: string, raw: string, range: IntegerRange, source: string): number {
  // A strict pattern: Number('') is 0 and Number('1e3') is 1000, both likely typos in a test.
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  const valid = value >= range.min && value <= range.max && (range.accept?.(value) ?? true);
  if (!valid) throw invalidValue(name, raw, range.expected, source);
  return value;
}

function invalidValue(name: string, raw: string, expected: string, source: string): BehaviourError {
  return new BehaviourError(
    name,
    `Invalid value "${raw}" for mock option "${name}" in the ${source}: expected ${expected}`,
  );
}
