// What a media route's answer says it used: images made, seconds of audio heard, tokens reported.
// The relay meters from this; a figure the upstream did not report is null (the relay falls back to
// the request's own measure or the gateway's count).
import { isJsonObject } from '../json/json-object';
import { boundedUsage, MAX_USAGE_TOKENS, type Usage } from '../usage/usage';

export interface MediaAnswerUsage {
  /** Images in the answer (`data.length`). */
  images: number | null;
  /** Seconds of input audio (`usage.seconds`, verbose_json's `duration`, a subtitle's last cue). */
  seconds: number | null;
  /** Tokens, when the upstream reported them. */
  tokens: Usage | null;
  /**
   * A transcription's text (`text` of a JSON answer, or the text answer), for counting when nothing
   * is reported.
   */
  text: string | null;
}

const NONE: MediaAnswerUsage = { images: null, seconds: null, tokens: null, text: null };

/** The usage of a JSON answer (images, transcriptions' json formats, moderations, rerank). */
export function mediaJsonUsage(body: unknown): MediaAnswerUsage {
  if (!isJsonObject(body)) return NONE;
  const images = Array.isArray(body['data']) && body['object'] !== 'list' ? body['data'].length : null;
  let seconds: number | null = audioSeconds(body['duration']);
  let tokens: Usage | null = null;
  const usage = body['usage'];
  if (isJsonObject(usage)) {
    if (usage['type'] === 'duration') seconds = audioSeconds(usage['seconds']) ?? seconds;
    const input = nonNegative(usage['input_tokens']) ?? nonNegative(usage['prompt_tokens']);
    const output = nonNegative(usage['output_tokens']) ?? nonNegative(usage['completion_tokens']) ?? 0;
    const total = nonNegative(usage['total_tokens']);
    // Rerank servers (vLLM, Jina) report only total_tokens: all of it is input.
    const prompt = input ?? total;
    if (prompt !== null)
      tokens = boundedUsage({
        promptTokens: prompt,
        completionTokens: output,
        cachedTokens: 0,
        reasoningTokens: 0,
      });
  }
  const meta = body['meta'];
  if (tokens === null && isJsonObject(meta) && isJsonObject(meta['billed_units'])) {
    // Cohere's rerank: billed_units.input_tokens when present.
    const input = nonNegative(meta['billed_units']['input_tokens']);
    if (input !== null)
      tokens = boundedUsage({
        promptTokens: input,
        completionTokens: 0,
        cachedTokens: 0,
        reasoningTokens: 0,
      });
  }
  const text = typeof body['text'] === 'string' ? body['text'] : null;
  return { images, seconds, tokens, text };
}

/** The duration a text answer shows: an SRT or WebVTT transcript's last cue end; null for plain text. */
export function subtitleSeconds(text: string): number | null {
  const cue = /(\d{1,2}):(\d{2}):(\d{2})[,.](\d{3})\s*$/;
  let last: number | null = null;
  for (const line of text.split('\n')) {
    const arrow = line.indexOf('-->');
    if (arrow < 0) continue;
    const match = cue.exec(
      line
        .slice(arrow + 3)
        .trim()
        .split(/\s+/)[0] ?? '',
    );
    if (match === null) continue;
    const [, h, m, s, ms] = match.map(Number) as [number, number, number, number, number];
    last = h * 3600 + m * 60 + s + ms / 1000;
  }
  return last;
}

/**
 * The usage an event of a media stream carries (`image_generation.completed`, `transcript.text.done`),
 * and a transcription's whole text (`transcript.text.done`), for counting when it carries no usage.
 */
export function mediaEventUsage(data: string): MediaAnswerUsage | null {
  if (!data.includes('"usage"') && !data.includes('"transcript.text.done"')) return null;
  try {
    const event = JSON.parse(data) as unknown;
    if (!isJsonObject(event)) return null;
    const done = event['type'] === 'transcript.text.done';
    if (!done && !isJsonObject(event['usage'])) return null;
    return mediaJsonUsage({ usage: event['usage'], ...(done ? { text: event['text'] } : {}) });
  } catch {
    return null;
  }
}

/**
 * Seconds of audio as reported, at most MAX_USAGE_TOKENS (68 years): more is an upstream's error,
 * charged at the hold with the rest written off, where a number past what a usage record stores
 * would have lost the record.
 */
function audioSeconds(value: unknown): number | null {
  const seconds = nonNegative(value);
  return seconds === null ? null : Math.min(seconds, MAX_USAGE_TOKENS);
}

function nonNegative(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/**
 * The message of a media stream's in-band error (`{"type": "error", "error": {…}}`, or an SSE
 * `event: error`), null for any other event.
 */
export function mediaEventError(event: { event?: string; data: string }): string | null {
  if (event.event !== 'error' && !event.data.includes('"error"')) return null;
  let body: unknown;
  try {
    body = JSON.parse(event.data) as unknown;
  } catch {
    return event.event === 'error' ? 'the upstream sent an error event' : null;
  }
  if (event.event !== 'error' && !(isJsonObject(body) && body['type'] === 'error')) return null;
  const error = isJsonObject(body) ? body['error'] : undefined;
  const message = isJsonObject(error) ? error['message'] : undefined;
  return typeof message === 'string' && message !== '' ? message : 'the upstream sent an error event';
}
