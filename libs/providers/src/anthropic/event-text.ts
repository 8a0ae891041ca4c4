// One Anthropic SSE event as text: `event: <type>\ndata: <JSON>\n\n`. The JSON is one line
// (JSON.stringify never emits a raw newline), so one `data:` line carries it.
export function anthropicEventText(event: string, payload: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}
