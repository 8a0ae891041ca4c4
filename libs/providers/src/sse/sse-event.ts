// One server-sent event as the relay sees it, whichever side of the gateway it came from.

export interface SseEvent {
  /** The `event:` field; OpenAI-style streams leave it unset. */
  event?: string;
  /** The `data:` lines, joined with `\n`. */
  data: string;
}

/** OpenAI's end-of-stream sentinel: `data: [DONE]`. */
export const SSE_DONE = '[DONE]';

export function isDoneEvent(event: SseEvent): boolean {
  return event.data === SSE_DONE;
}
