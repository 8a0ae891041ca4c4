// Server-sent events as the /v1 relay streams them: `data: {json}` events separated by blank lines,
// ending with `data: [DONE]`. Fed chunk by chunk; an event split across chunks is kept until whole.
export class SseLines {
  private buffer = '';

  /** The `data:` payloads completed by this chunk, in order. */
  push(chunk: string): string[] {
    this.buffer += chunk.replace(/\r\n/g, '\n');
    const events = this.buffer.split('\n\n');
    this.buffer = events.pop() ?? '';
    return events.flatMap((event) =>
      event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart()),
    );
  }
}
