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
