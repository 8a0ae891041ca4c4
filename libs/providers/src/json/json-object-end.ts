// Tells when streamed JSON text has closed its top-level object or array, without parsing it: a
// tool call's arguments arrive in pieces, and a format that streams one call at a time (Anthropic's
// content blocks) may move on to the next call only once the current one can have nothing more.

export class JsonObjectEnd {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private closed = false;

  /** True once the text so far holds a whole object or array (anything after it would be invalid). */
  get complete(): boolean {
    return this.closed;
  }

  /**
   * Reads the next piece; returns how much of it belongs to the object (all of it until it closes,
   * none once it has): some servers send a call's whole arguments again after their pieces.
   */
  push(text: string): number {
    let i = 0;
    for (; i < text.length && !this.closed; i++) this.read(text[i]);
    return i;
  }

  private read(char: string): void {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (char === '\\') this.escaped = true;
      else if (char === '"') this.inString = false;
      return;
    }
    if (char === '"') this.inString = true;
    else if (char === '{' || char === '[') this.depth++;
    else if ((char === '}' || char === ']') && this.depth > 0) {
      this.depth--;
      this.closed = this.depth === 0;
    }
  }
}

/** What a streamed call's arguments open with: an object, something else (a model's slip), or nothing yet. */
export type ArgumentsShape = 'pending' | 'object' | 'other';

/**
 * The part of a call's arguments piece a client that takes only an object may be sent. Arguments
 * that open with anything but `{` (a bare string, an array, text) can never be that object and have
 * no end to wait for: the piece that tells is answered with `slip` (what the format reads for them),
 * and the rest is left out; spaces before the brace are dropped, as they could open either.
 */
export function objectPiece(call: { shape: ArgumentsShape }, piece: string, slip: string): string {
  if (call.shape === 'object') return piece;
  if (call.shape === 'other') return '';
  const opening = piece.trimStart();
  if (opening === '') return '';
  call.shape = opening.startsWith('{') ? 'object' : 'other';
  return call.shape === 'object' ? opening : slip;
}
