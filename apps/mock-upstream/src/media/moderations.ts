// POST /v1/moderations in OpenAI's shape: one result per input; a text containing "kill" is flagged
// for violence. No usage (OpenAI reports none).
import { HttpError } from '../http-error';
import type { Endpoint } from '../mock-response';
import { isJsonObject } from '../request-fields';

const CATEGORIES = ['harassment', 'hate', 'self-harm', 'sexual', 'violence'] as const;

export const moderations: Endpoint = (input) => {
  const raw = input.body['input'];
  const items = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : undefined;
  if (items === undefined || items.length === 0) {
    throw HttpError.invalidRequest("Invalid 'input': expected a string or an array.", 'input');
  }
  const results = items.map((item) => {
    const text =
      typeof item === 'string'
        ? item
        : isJsonObject(item) && typeof item['text'] === 'string'
          ? item['text']
          : '';
    const violent = /\bkill\b/i.test(text);
    return {
      flagged: violent,
      categories: Object.fromEntries(CATEGORIES.map((c) => [c, c === 'violence' && violent])),
      category_scores: Object.fromEntries(
        CATEGORIES.map((c) => [c, c === 'violence' && violent ? 0.91 : 0.0001]),
      ),
      category_applied_input_types: Object.fromEntries(CATEGORIES.map((c) => [c, ['text']])),
    };
  });
  const model = typeof input.body['model'] === 'string' ? input.body['model'] : 'omni-moderation-latest';
  return { kind: 'json', body: { id: `modr-mock-${input.seq}`, model, results } };
};
