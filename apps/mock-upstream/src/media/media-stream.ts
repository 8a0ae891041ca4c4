import type { StreamFraming } from '../wire-format';

/**
 * How OpenAI frames the media routes' event streams (images, transcriptions, speech as SSE): each
 * event's JSON names its own `type`, and the stream just ends after the last one (no `[DONE]`).
 */
export const MEDIA_STREAM: StreamFraming = {
  frame: (chunk) => `data: ${JSON.stringify(chunk)}\n\n`,
  errorChunk: () => ({
    type: 'error',
    error: {
      message:
        'The server had an error while processing your request (simulated mid-stream error from mock-upstream).',
      type: 'server_error',
      param: null,
      code: null,
    },
  }),
};
