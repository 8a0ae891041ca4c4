import { embeddingBase64, embeddingVector, DEFAULT_EMBEDDING_DIMENSIONS } from './embedding-vector';
import { HttpError } from './http-error';
import type { Endpoint, EndpointInput, MockResponse } from './mock-response';
import { usageOf } from './mock-response';
import { invalidField, optionalInteger, requireString } from './request-fields';
import { countPromptTokens } from './token-count';

/** OpenAI's bound on inputs per request. */
const MAX_INPUTS = 2048;
const MAX_DIMENSIONS = 4096;

/**
 * `POST /v1/embeddings`. `encoding_format` is `float` (the API's default) or `base64` (what the
 * openai SDK asks for when the caller does not choose, decoding the float32 values itself).
 */
export const embeddings: Endpoint = (input: EndpointInput): MockResponse => {
  const { body } = input;
  const model = requireString(body, 'model');
  const texts = inputTexts(body['input']);
  const dimensions = optionalInteger(body, 'dimensions', 1, MAX_DIMENSIONS) ?? DEFAULT_EMBEDDING_DIMENSIONS;
  const format = body['encoding_format'] ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw HttpError.invalidRequest(
      "Invalid 'encoding_format': expected 'float' or 'base64'.",
      'encoding_format',
    );
  }
  const data = texts.map((text, index) => {
    const vector = embeddingVector(text, dimensions);
    return {
      object: 'embedding',
      index,
      embedding: format === 'base64' ? embeddingBase64(vector) : Array.from(vector),
    };
  });
  const promptTokens = countPromptTokens(body['input']);
  const usage = usageOf(promptTokens, 0);
  const response = {
    object: 'list',
    data,
    model,
    ...(input.behaviour.usage ? { usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } } : {}),
  };
  return { kind: 'json', body: response, usage };
};

/** The texts to embed; token-id inputs are embedded by their JSON so equal ids give equal vectors. */
function inputTexts(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && input.length <= MAX_INPUTS) {
    if (input.every((item) => typeof item === 'string')) return input;
    if (input.every((item) => typeof item === 'number' && Number.isInteger(item)))
      return [JSON.stringify(input)];
    if (
      input.every(
        (item) => Array.isArray(item) && item.length > 0 && item.every((id) => typeof id === 'number'),
      )
    ) {
      return input.map((item) => JSON.stringify(item));
    }
  }
  throw invalidField('input', `a string, or 1 to ${MAX_INPUTS} strings, token ids or arrays of token ids`);
}
