// The frame a stream's text chunks repeat (issue #16). An OpenAI-format stream sends, for each piece
// of text, the same chunk around a different string: the same id, created, model and choice, and a
// delta with one text field. Parsing each one (JSON.parse builds the whole object, the relay's
// largest single cost per event: 12 % of the api's instructions relaying streams, by callgrind) is
// needed only to read that string and to know the event is a JSON object a client's SDK can parse.
// Once one such chunk was parsed, the frame is its text around the string (and around OpenAI's
// `obfuscation` padding, which differs in every chunk): a later event that is the same frame around
// string bodies with no quote, backslash or control character is that same chunk with other text,
// so it is valid JSON of the same shape, and the text is read off without a parse. Anything else
// (another id, a finish reason, usage, a tool call, an escape) is parsed as before.
import { type JsonObject, parseJsonOrUndefined } from '../json/json-object';

/** The delta fields whose text a frame carries: the answer's and the reasoning's. */
export type FramedField = 'content' | 'reasoning_content' | 'reasoning';
const FRAMED_FIELDS: readonly FramedField[] = ['content', 'reasoning_content', 'reasoning'];

/** Chunks of one stream whose frame is tried: past them a stream that never fits is not looked at again. */
const MAX_LEARNING = 8;

export interface FramedText {
  field: FramedField;
  text: string;
}

export class ChunkFrame {
  /**
   * The frame's text between its holes (one more than the holes), or null before one was learned.
   * The holes are string bodies: the text's, and OpenAI's `obfuscation` padding where the chunk has
   * it (random characters of a random length in every chunk, by default since 2025).
   */
  private segments: string[] | null = null;
  /** Which hole holds the text. */
  private textHole = 0;
  private field: FramedField = 'content';
  private tries = 0;

  /** The text of `data` when it is the frame around plain string bodies, else null (parse it). */
  match(data: string): FramedText | null {
    const segments = this.segments;
    if (segments === null) return null;
    const first = segments[0] as string;
    // Compared as strings (a memory compare), not with startsWith, which walks them a character at a
    // time: about 3 times as long for a chunk's 150 characters of frame.
    if (data.substring(0, first.length) !== first) return null;
    let at = first.length;
    let text = '';
    for (let hole = 0; hole < segments.length - 1; hole++) {
      // A hole's body has no quote, so the first quote after its start closes it, and the next
      // segment starts there.
      const close = data.indexOf('"', at);
      if (close === -1) return null;
      const body = data.slice(at, close);
      if (!isPlainStringBody(body)) return null;
      if (hole === this.textHole) text = body;
      const segment = segments[hole + 1] as string;
      if (data.substring(close, close + segment.length) !== segment) return null;
      at = close + segment.length;
    }
    return at === data.length ? { field: this.field, text } : null;
  }

  /**
   * Takes the frame of `data` (parsed as `chunk`) when the chunk is one piece of text and nothing
   * else: no usage, error, finish reason or tool call, one choice (the first), every other value a
   * scalar. Called for chunks `match` did not take, a few times a stream at most.
   */
  learn(data: string, chunk: JsonObject): void {
    if (this.tries >= MAX_LEARNING) return;
    this.tries++;
    const field = framedField(chunk);
    if (field === null) return;
    const delta = ((chunk['choices'] as unknown[])[0] as JsonObject)['delta'] as JsonObject;
    const text = stringAt(data, field, delta[field]);
    if (text === null) return;
    let holes = [text];
    if (typeof chunk['obfuscation'] === 'string') {
      const padding = stringAt(data, 'obfuscation', chunk['obfuscation']);
      if (padding === null) return;
      holes = padding.start < text.start ? [padding, text] : [text, padding];
    }
    const segments: string[] = [];
    let at = 0;
    for (const hole of holes) {
      segments.push(data.slice(at, hole.start));
      at = hole.end;
    }
    segments.push(data.slice(at));
    this.segments = segments;
    this.textHole = holes.indexOf(text);
    this.field = field;
  }
}

/**
 * Where the string value of `key` is in `data` (its body, between its quotes), when the key is
 * written once, as `"key":"`, and the string there is `value`; else null. Scalars cannot hold the
 * key as written (their quotes are escaped), but a key of that name elsewhere in the chunk would.
 */
function stringAt(data: string, key: string, value: unknown): { start: number; end: number } | null {
  const written = `"${key}":"`;
  const at = data.indexOf(written);
  if (at === -1 || data.indexOf(written, at + 1) !== -1) return null;
  const start = at + written.length;
  const end = closingQuote(data, start);
  if (end === -1) return null;
  // The string found is the value the parse read, or the frame is not taken.
  return parseJsonOrUndefined(data.slice(start - 1, end + 1)) === value ? { start, end } : null;
}

/** The one text field of a chunk that is a piece of text and nothing else, or null. */
function framedField(chunk: JsonObject): FramedField | null {
  if (chunk['usage'] !== undefined && chunk['usage'] !== null) return null;
  let choices: unknown = undefined;
  for (const name in chunk) {
    const value = chunk[name];
    if (name === 'choices') choices = value;
    else if (!isScalar(value)) return null;
  }
  if (!Array.isArray(choices) || choices.length !== 1) return null;
  const choice: unknown = choices[0];
  if (typeof choice !== 'object' || choice === null || Array.isArray(choice)) return null;
  let delta: unknown = undefined;
  for (const name in choice as JsonObject) {
    const value = (choice as JsonObject)[name];
    if (name === 'delta') delta = value;
    else if (name === 'index') {
      if (value !== 0) return null;
    } else if (name === 'finish_reason') {
      if (value !== null) return null;
    } else if (!isScalar(value)) return null;
  }
  if (typeof delta !== 'object' || delta === null || Array.isArray(delta)) return null;
  let field: FramedField | null = null;
  for (const name in delta as JsonObject) {
    const value = (delta as JsonObject)[name];
    if (value === null) continue;
    const framed = FRAMED_FIELDS.find((candidate) => candidate === name);
    if (framed === undefined || typeof value !== 'string' || field !== null) return null;
    field = framed;
  }
  return field;
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/** The index of the quote that closes the JSON string whose text starts at `start`, or -1. */
function closingQuote(data: string, start: number): number {
  for (let i = start; i < data.length; i++) {
    const code = data.charCodeAt(i);
    if (code === BACKSLASH) i++;
    else if (code === QUOTE) return i;
  }
  return -1;
}

/** A JSON string's body that means itself: no quote, backslash or control character in it. */
function isPlainStringBody(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE || code === BACKSLASH || code < 0x20) return false;
  }
  return true;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
