// The wire transcripts under this folder: raw SSE bytes of OpenAI-format streams. Most are
// recorded from the mock upstream (`RECORD_FIXTURES=1 npx jest libs/providers/src/openai/__fixtures__`
// rewrites them; without it the same spec checks they are still what the mock sends), with
// `created` pinned so a re-recording is byte-identical. `chat-stream-chinese.sse` is written by hand.

export interface RecordedTranscript {
  file: string;
  path: '/v1/chat/completions' | '/v1/completions';
  /** The mock's behaviour is chosen by the key (apps/mock-upstream/README.md). */
  apiKey: string;
  body: Record<string, unknown>;
}

export const PINNED_CREATED = 1767225600;

const messages = [
  { role: 'system', content: 'You are a test.' },
  { role: 'user', content: 'Say something, please.' },
];
const chat = { model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } };
const weatherTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

export const RECORDED_TRANSCRIPTS: readonly RecordedTranscript[] = [
  { file: 'chat-stream-usage.sse', path: '/v1/chat/completions', apiKey: 'sk-mock;chunks=5', body: chat },
  {
    file: 'chat-stream-no-usage.sse',
    path: '/v1/chat/completions',
    apiKey: 'sk-mock;chunks=5;usage=0',
    body: chat,
  },
  {
    file: 'chat-stream-tool-call.sse',
    path: '/v1/chat/completions',
    apiKey: 'sk-mock;chunks=4;tool=1',
    body: { ...chat, tools: [weatherTool] },
  },
  {
    file: 'chat-stream-dropped.sse',
    path: '/v1/chat/completions',
    apiKey: 'sk-mock;chunks=5;drop=2',
    body: chat,
  },
  {
    file: 'completions-stream-usage.sse',
    path: '/v1/completions',
    apiKey: 'sk-mock;chunks=3;tokens=7',
    body: {
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Say something',
      stream: true,
      stream_options: { include_usage: true },
    },
  },
];
