import { HttpError } from './http-error';
import { bearerToken } from './request-headers';
import { simulatedError } from './simulated-error';
import type { StreamFraming, WireFormat } from './wire-format';

const OPENAI_STREAM: StreamFraming = {
  frame: (chunk) => `data: ${JSON.stringify(chunk)}\n\n`,
  terminator: 'data: [DONE]\n\n',
  // What OpenAI sends when a stream fails after it started; the SDK raises it as an APIError.
  errorChunk: () => ({
    error: {
      message:
        'The server had an error while processing your request (simulated mid-stream error from mock-upstream).',
      type: 'server_error',
      param: null,
      code: 'server_error',
    },
  }),
};

function missingBearer(): HttpError {
  return new HttpError(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    'invalid_request_error',
    null,
    'invalid_api_key',
  );
}

/** OpenAI's API: `Authorization: Bearer`, `{"error":{message,type,param,code}}`, `data:` chunks then `[DONE]`. */
export const OPENAI_FORMAT: WireFormat = {
  name: 'openai',
  apiKey: (req) => bearerToken(req.headers.authorization),
  missingKey: missingBearer,
  simulatedError,
  contextError: (promptTokens, context) =>
    new HttpError(
      400,
      `This model's maximum context length is ${context} tokens. However, your messages resulted in ${promptTokens} tokens. Please reduce the length of the messages.`,
      'invalid_request_error',
      'messages',
      'context_length_exceeded',
    ),
  errorBody: (error) => error.toBody(),
  stream: OPENAI_STREAM,
};

/**
 * Azure OpenAI: the same bodies and stream, the key in `api-key` (a bearer token, as Entra ID
 * clients send, works too).
 */
export const AZURE_OPENAI_FORMAT: WireFormat = {
  ...OPENAI_FORMAT,
  apiKey: (req) => headerKey(req.headers['api-key']) ?? bearerToken(req.headers.authorization),
  missingKey: () =>
    new HttpError(
      401,
      'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
      'invalid_request_error',
      null,
      '401',
    ),
};

/** A key header's value; undefined when absent or blank. */
export function headerKey(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const key = text?.trim();
  return key === undefined || key === '' ? undefined : key;
}
