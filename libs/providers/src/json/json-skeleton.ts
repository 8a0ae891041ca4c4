// Reads a JSON object as it streams past and keeps only its small top-level members. A non-stream
// answer too large to hold (an embeddings list of megabytes) is passed to the client piece by piece,
// and what billing needs of it (`usage`, `usageMetadata`, `model`) is small and at the top level:
// this keeps those members and drops the large ones (`data`, `choices`) without ever holding them.
// It works on bytes: a UTF-8 continuation byte is never an ASCII quote, bracket or comma.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** The largest top-level member (key and value, as sent) that is kept. */
export const SKELETON_MEMBER_LIMIT = 64 * 1024;

export class JsonSkeleton {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  private finished = false;
  private broken = false;
  /** The member being read at depth 1, while it is within the limit. */
  private member: Uint8Array[] = [];
  private memberSize = 0;
  private memberDropped = false;
  private readonly kept: string[] = [];

  constructor(private readonly memberLimit = SKELETON_MEMBER_LIMIT) {}

  /** Feeds the next bytes of the body. */
  push(chunk: Uint8Array): void {
    if (this.broken) return;
    let memberFrom = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (this.finished) {
        if (!isWhitespace(byte)) this.broken = true;
        continue;
      }
      if (!this.started) {
        if (byte === OPEN_BRACE) {
          this.started = true;
          this.depth = 1;
          memberFrom = i + 1;
        } else if (!isWhitespace(byte)) {
          this.broken = true;
          return;
        }
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
        continue;
      }
      if (byte === QUOTE) this.inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) {
          this.take(chunk.subarray(memberFrom, i));
          this.endMember();
          this.finished = true;
        }
      } else if (byte === COMMA && this.depth === 1) {
        this.take(chunk.subarray(memberFrom, i));
        this.endMember();
        memberFrom = i + 1;
      }
    }
    if (this.started && !this.finished) this.take(chunk.subarray(memberFrom));
  }

  /** The object with only its small members, or null when the body was not one whole JSON object. */
  result(): Record<string, unknown> | null {
    if (this.broken || !this.finished) return null;
    try {
      const parsed: unknown = JSON.parse(`{${this.kept.join(',')}}`);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : null;
    } catch {
      return null;
    }
  }

  private take(bytes: Uint8Array): void {
    if (this.memberDropped || bytes.length === 0) return;
    this.memberSize += bytes.length;
    if (this.memberSize > this.memberLimit) {
      this.memberDropped = true;
      this.member = [];
      return;
    }
    // A copy: the chunk's buffer may be reused by the stream once this returns.
    this.member.push(Uint8Array.from(bytes));
  }

  private endMember(): void {
    if (!this.memberDropped) {
      const text = Buffer.concat(this.member).toString('utf8');
      if (text.trim() !== '') this.kept.push(text);
    }
    this.member = [];
    this.memberSize = 0;
    this.memberDropped = false;
  }
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
