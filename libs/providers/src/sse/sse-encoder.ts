// Server-sent events as the gateway writes them to clients, in OpenAI's framing: `data: …\n\n`.
import { SSE_DONE, type SseEvent } from './sse-event';

const utf8 = new TextEncoder();
const DONE_BYTES = utf8.encode(`data: ${SSE_DONE}\n\n`);

/** OpenAI's error object, as sent inside a stream that fails after its first byte. */
export interface SseErrorBody {
  message: string;
  type: string;
  code?: string | null;
  param?: string | null;
}

/** Encodes an event; a multi-line payload becomes one `data:` line per line, so it survives framing. */
export function encodeSseEvent(event: SseEvent): Uint8Array {
  return Buffer.from(sseEventText(event));
}

/**
 * An event's text as written to a client: the common case, a one-line JSON chunk without an event
 * name, is one string (issue #16); a multi-line payload becomes one `data:` line per line.
 */
export function sseEventText(event: SseEvent): string {
  // indexOf, not a /[\r\n]/ test: the regular expression walked each event's text a character at
  // a time, 2 % of the api's instructions relaying streams (issue #16, callgrind).
  const { data } = event;
  if (event.event === undefined && data.indexOf('\n') === -1 && data.indexOf('\r') === -1)
    return `data: ${data}\n\n`;
  const head = event.event === undefined ? '' : `event: ${event.event.replace(/[\r\n]/g, '')}\n`;
  const lines = event.data.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`);
  return `${head}${lines.join('')}\n`;
}

/** `data: <JSON>\n\n` for a payload object (a chunk). */
export function encodeSseData(payload: unknown): Uint8Array {
  return encodeSseEvent({ data: JSON.stringify(payload) });
}

/** `data: [DONE]\n\n`. A copy, so a caller that transfers or mutates it cannot corrupt the next. */
export function encodeSseDone(): Uint8Array {
  return DONE_BYTES.slice();
}

/** `data: {"error":{…}}\n\n`: how OpenAI reports a failure once a stream has started. */
export function encodeSseError(error: SseErrorBody): Uint8Array {
  return encodeSseData({
    error: { message: error.message, type: error.type, code: error.code ?? null, param: error.param ?? null },
  });
}
