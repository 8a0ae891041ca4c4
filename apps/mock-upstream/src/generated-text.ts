// The deterministic text the mock "generates". Token i of a choice is one word; every token but the
// first carries its leading space, so the pieces of a stream concatenate to the non-stream text
// and `countTokens(text)` equals the number of tokens emitted.

const WORDS = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliett',
  'kilo',
  'lima',
  'mike',
  'november',
  'oscar',
  'papa',
] as const;

/** Token `index` of choice `choice`; choices start at different words so `n > 1` answers differ. */
export function tokenPiece(index: number, choice: number): string {
  const word = WORDS[(index + choice) % WORDS.length];
  return index === 0 ? word : ` ${word}`;
}

/** Tokens `start` (inclusive) to `end` (exclusive) of a choice. */
export function generatedText(start: number, end: number, choice: number): string {
  let text = '';
  for (let index = start; index < end; index++) text += tokenPiece(index, choice);
  return text;
}

/** The full text of a completion of `tokens` tokens: what a non-stream response contains. */
export function mockCompletionText(tokens: number, choice = 0): string {
  return generatedText(0, tokens, choice);
}

/** Thinking starts at another word than the answer, so the two never read the same. */
const THINKING_CHOICE = 8;

/** Tokens `start` to `end` of the thinking that precedes an answer (Anthropic thinking, Gemini thoughts). */
export function thinkingText(start: number, end: number): string {
  return generatedText(start, end, THINKING_CHOICE);
}

const ARGUMENTS_OPENING = '{"mock":"';
const ARGUMENTS_CLOSING = '"}';
const SLIP_QUOTE = '"';

/** How a call's arguments are written: a bare string instead of the object (`slip`), left unclosed (`cut`). */
export interface ToolArgumentsForm {
  slip: boolean;
  cut: boolean;
}

const OBJECT_ARGUMENTS: ToolArgumentsForm = { slip: false, cut: false };

/**
 * Tokens `start` to `end` of a tool call's arguments, `{"mock":"<generated text>"}`: the JSON stays
 * valid (the words need no escaping) and its tokens are the words inside it. A slip is the words
 * as a bare JSON string; a cut call has no closing.
 */
export function toolArgumentsPiece(
  start: number,
  end: number,
  tokens: number,
  choice: number,
  form: ToolArgumentsForm = OBJECT_ARGUMENTS,
): string {
  const opening = start === 0 ? (form.slip ? SLIP_QUOTE : ARGUMENTS_OPENING) : '';
  const closing = end === tokens && !form.cut ? (form.slip ? SLIP_QUOTE : ARGUMENTS_CLOSING) : '';
  return opening + generatedText(start, end, choice) + closing;
}

/** The full arguments of a tool call of `tokens` tokens. */
export function mockToolArguments(
  tokens: number,
  choice = 0,
  form: ToolArgumentsForm = OBJECT_ARGUMENTS,
): string {
  return toolArgumentsPiece(0, tokens, tokens, choice, form);
}
