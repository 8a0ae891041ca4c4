// One streamed tool call's `function.arguments` pieces → the text they add. OpenAI sends each piece
// once (incremental); some OpenAI-compatible servers (certain vLLM, llama.cpp and proxy builds)
// send the arguments so far in every chunk (cumulative), which appended makes `{"a{"a":1…`.

/**
 * Tells the two apart by the second piece that is not empty: a cumulative stream's starts with
 * everything received so far. An incremental stream's rarely does (`{"a":` then `{"a":{"b":1}}`
 * is valid JSON too), so such a piece is held until the next one settles it: a cumulative stream's
 * next piece starts with the held one, an incremental stream's does not. A call that ends first is
 * settled by which reading parses. Once settled, the reading holds for the rest of the call; a
 * cumulative call's piece that does not start with what came is passed on whole, so nothing is lost.
 */
export class ToolArgumentsPieces {
  private mode: 'unknown' | 'incremental' | 'cumulative' = 'unknown';
  /** The upstream's arguments so far, as settled. */
  private received = '';
  /** A piece that starts with everything received, waiting for the next one to say which it is. */
  private held: string | null = null;

  /** The text `piece` adds to the call's arguments (empty while a piece is held). */
  push(piece: string): string {
    if (piece === '') return '';
    if (this.mode === 'incremental') return this.append(piece);
    if (this.mode === 'cumulative') {
      if (!piece.startsWith(this.received)) return this.append(piece);
      const added = piece.slice(this.received.length);
      this.received = piece;
      return added;
    }
    if (this.held !== null) {
      const held = this.held;
      this.held = null;
      if (piece.startsWith(held)) {
        this.mode = 'cumulative';
        const added = piece.slice(this.received.length);
        this.received = piece;
        return added;
      }
      this.mode = 'incremental';
      return this.append(held) + this.append(piece);
    }
    if (this.received !== '' && piece.startsWith(this.received)) {
      this.held = piece;
      return '';
    }
    if (this.received !== '') this.mode = 'incremental';
    return this.append(piece);
  }

  /** At the end of the stream: a held piece, read as whichever reading makes whole JSON. */
  end(): string {
    const held = this.held;
    if (held === null) return '';
    this.held = null;
    if (!parses(held) && parses(this.received + held)) {
      this.mode = 'incremental';
      return this.append(held);
    }
    this.mode = 'cumulative';
    const added = held.slice(this.received.length);
    this.received = held;
    return added;
  }

  private append(piece: string): string {
    // Once incremental, nothing is compared with what came: it need not be kept.
    if (this.mode !== 'incremental') this.received += piece;
    return piece;
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
