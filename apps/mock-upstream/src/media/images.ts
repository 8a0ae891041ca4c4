// POST /v1/images/generations and /v1/images/edits in OpenAI's shape: `data` with one image per `n`
// (b64_json, or a URL for dall-e models), `usage` in tokens for gpt-image models, and with `stream`
// the image_generation.* / image_edit.* events ending in `completed` (with usage).
import { HttpError } from '../http-error';
import type { Endpoint, EndpointInput, MockResponse } from '../mock-response';
import { usageOf } from '../mock-response';
import { invalidField, optionalInteger, requireString, type JsonObject } from '../request-fields';
import { countTokens } from '../token-count';
import { isFormFile } from './multipart-form';
import { MEDIA_STREAM } from './media-stream';

/** A 1×1 transparent PNG: the image every answer carries. */
export const MOCK_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
/** Output tokens per image of a gpt-image model: OpenAI's figure for 1024x1024 at medium quality. */
export const IMAGE_OUTPUT_TOKENS = 1056;
/** Input tokens per input image of an edit. */
export const IMAGE_INPUT_TOKENS = 323;

export const imagesGenerations: Endpoint = (input) => images(input, 'image_generation', 0);

export const imagesEdits: Endpoint = (input) => {
  const image = input.body['image'] ?? input.body['image[]'];
  const files = Array.isArray(image) ? image : [image];
  if (image === undefined || !files.every(isFormFile)) throw invalidField('image', 'an image file');
  return images(input, 'image_edit', files.length);
};

function images(input: EndpointInput, event: string, inputImages: number): MockResponse {
  const { body } = input;
  const model = requireString(body, 'model');
  const prompt = requireString(body, 'prompt');
  const n = optionalInteger(asNumber(body, 'n'), 'n', 1, 10) ?? 1;
  const size = typeof body['size'] === 'string' ? body['size'] : '1024x1024';
  const quality = typeof body['quality'] === 'string' ? body['quality'] : 'auto';
  const tokenBilled = model.startsWith('gpt-image');
  const promptTokens = countTokens(prompt) + inputImages * IMAGE_INPUT_TOKENS;
  const usage = usageOf(promptTokens, tokenBilled ? n * IMAGE_OUTPUT_TOKENS : 0);
  const wireUsage = {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: {
      text_tokens: countTokens(prompt),
      image_tokens: inputImages * IMAGE_INPUT_TOKENS,
    },
    output_tokens: usage.completion_tokens,
    total_tokens: usage.total_tokens,
  };
  const report = tokenBilled && input.behaviour.usage;
  const stream = body['stream'] === true || body['stream'] === 'true';
  if (stream) {
    const steps = Array.from({ length: n }, (_, index) => [
      {
        type: `${event}.completed`,
        b64_json: MOCK_PNG_BASE64,
        created_at: input.created,
        size,
        quality,
        background: 'opaque',
        output_format: 'png',
        ...(report && index === n - 1 ? { usage: wireUsage } : {}),
      },
    ]);
    return { kind: 'stream', steps, usage, framing: MEDIA_STREAM };
  }
  const asUrl = body['response_format'] === 'url' || (!tokenBilled && body['response_format'] !== 'b64_json');
  const data = Array.from({ length: n }, (_, index) =>
    asUrl
      ? { url: `https://mock-upstream.invalid/images/${input.seq}-${index}.png`, revised_prompt: prompt }
      : { b64_json: MOCK_PNG_BASE64 },
  );
  return {
    kind: 'json',
    body: { created: input.created, data, ...(report ? { usage: wireUsage, size, quality } : {}) },
    usage,
  };
}

/** A form sends numbers as text; JSON as numbers. */
function asNumber(body: JsonObject, field: string): JsonObject {
  const value = body[field];
  if (typeof value === 'string' && /^\d+$/.test(value)) return { ...body, [field]: Number(value) };
  if (typeof value === 'string')
    throw new HttpError(400, `Invalid '${field}'.`, 'invalid_request_error', field);
  return body;
}
