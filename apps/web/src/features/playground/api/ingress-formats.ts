// The wire formats the gateway accepts (its ingresses), as the playground speaks them: where a
// chat goes, how its body and key are sent, and how an answer, a stream event and the usage read
// back. Every format reaches every channel; the choice shows what a client of that SDK sees.
import type { ChatMessage, ChatUsage } from './chat-types';

export const INGRESS_FORMATS = ['chat', 'messages', 'responses', 'gemini'] as const;
export type IngressFormat = (typeof INGRESS_FORMATS)[number];

/** What the playground asks for when the format requires an output limit (Anthropic's does). */
const MAX_OUTPUT_TOKENS = 1024;

export interface IngressRequest {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** What one event (a stream's data line) or a whole answer says, in the playground's terms. */
export interface IngressReading {
  text?: string;
  usage?: ChatUsage;
  /** The stream ended in error: the format's own error event. */
  error?: { code: string | null; message: string };
}

export interface IngressFormatSpec {
  request(key: string, model: string, messages: ChatMessage[], stream: boolean): IngressRequest;
  /** A non-stream answer. */
  readAnswer(body: unknown): IngressReading;
  /** One stream data line, parsed; `[DONE]` never reaches it. */
  readEvent(event: unknown): IngressReading;
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const json = { 'content-type': 'application/json' };

function systemText(messages: ChatMessage[]): string | undefined {
  const parts = messages.filter((m) => m.role === 'system').map((m) => m.content);
  return parts.length > 0 ? parts.join('\n') : undefined;
}

const dialogue = (messages: ChatMessage[]) => messages.filter((m) => m.role !== 'system');

function streamError(value: unknown): IngressReading['error'] {
  const error = obj(value);
  const message = error['message'];
  if (typeof message !== 'string') return undefined;
  const code = error['code'] ?? error['type'] ?? error['status'];
  return { code: typeof code === 'string' ? code : null, message };
}

function openAiUsage(value: unknown): ChatUsage | undefined {
  if (value === null || value === undefined) return undefined;
  const usage = obj(value);
  return {
    promptTokens: num(usage['prompt_tokens']),
    cachedTokens: num(obj(usage['prompt_tokens_details'])['cached_tokens']),
    completionTokens: num(usage['completion_tokens']),
    reasoningTokens: num(obj(usage['completion_tokens_details'])['reasoning_tokens']),
  };
}

const chat: IngressFormatSpec = {
  request: (key, model, messages, stream) => ({
    url: '/v1/chat/completions',
    headers: { ...json, authorization: `Bearer ${key}` },
    body: { model, messages, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) },
  }),
  readAnswer: (body) => {
    const answer = obj(body);
    const message = obj(obj(list(answer['choices'])[0])['message']);
    const content = message['content'];
    return { text: typeof content === 'string' ? content : '', usage: openAiUsage(answer['usage']) };
  },
  readEvent: (event) => {
    const chunk = obj(event);
    const error = streamError(chunk['error']);
    if (error) return { error };
    const content = obj(obj(list(chunk['choices'])[0])['delta'])['content'];
    return { text: typeof content === 'string' ? content : undefined, usage: openAiUsage(chunk['usage']) };
  },
};

/** Anthropic counts input apart from cache reads and writes; the prompt is all three. */
function anthropicUsage(value: unknown, before?: ChatUsage): ChatUsage {
  const usage = obj(value);
  const has = (field: string) => typeof usage[field] === 'number';
  const input = num(usage['input_tokens']);
  const read = num(usage['cache_read_input_tokens']);
  const written = num(usage['cache_creation_input_tokens']);
  return {
    promptTokens: has('input_tokens') ? input + read + written : (before?.promptTokens ?? 0),
    cachedTokens: has('cache_read_input_tokens') ? read : (before?.cachedTokens ?? 0),
    cacheWriteTokens: has('cache_creation_input_tokens') ? written : (before?.cacheWriteTokens ?? 0),
    completionTokens: has('output_tokens') ? num(usage['output_tokens']) : (before?.completionTokens ?? 0),
    reasoningTokens: num(obj(usage['output_tokens_details'])['thinking_tokens']),
  };
}

function messagesFormat(): IngressFormatSpec {
  // message_start carries the input counts, message_delta the final output count.
  let usage: ChatUsage | undefined;
  return {
    request: (key, model, messages, stream) => {
      usage = undefined;
      const system = systemText(messages);
      return {
        url: '/v1/messages',
        headers: { ...json, 'x-api-key': key, 'anthropic-version': '2023-06-01' },
        body: {
          model,
          max_tokens: MAX_OUTPUT_TOKENS,
          ...(system === undefined ? {} : { system }),
          messages: dialogue(messages),
          stream,
        },
      };
    },
    readAnswer: (body) => {
      const answer = obj(body);
      const text = list(answer['content'])
        .map(obj)
        .filter((block) => block['type'] === 'text')
        .map((block) => String(block['text'] ?? ''))
        .join('');
      return { text, usage: anthropicUsage(answer['usage']) };
    },
    readEvent: (event) => {
      const data = obj(event);
      switch (data['type']) {
        case 'error':
          return { error: streamError(data['error']) ?? { code: null, message: 'stream error' } };
        case 'message_start':
          usage = anthropicUsage(obj(data['message'])['usage']);
          return { usage };
        case 'message_delta':
          usage = anthropicUsage(data['usage'], usage);
          return { usage };
        case 'content_block_delta': {
          const delta = obj(data['delta']);
          return delta['type'] === 'text_delta' ? { text: String(delta['text'] ?? '') } : {};
        }
        default:
          return {};
      }
    },
  };
}

function responsesUsage(value: unknown): ChatUsage | undefined {
  if (value === null || value === undefined) return undefined;
  const usage = obj(value);
  return {
    promptTokens: num(usage['input_tokens']),
    cachedTokens: num(obj(usage['input_tokens_details'])['cached_tokens']),
    completionTokens: num(usage['output_tokens']),
    reasoningTokens: num(obj(usage['output_tokens_details'])['reasoning_tokens']),
  };
}

function responseText(response: Json): string {
  return list(response['output'])
    .map(obj)
    .filter((item) => item['type'] === 'message')
    .flatMap((item) => list(item['content']).map(obj))
    .filter((part) => part['type'] === 'output_text')
    .map((part) => String(part['text'] ?? ''))
    .join('');
}

const responses: IngressFormatSpec = {
  request: (key, model, messages, stream) => {
    const instructions = systemText(messages);
    return {
      url: '/v1/responses',
      headers: { ...json, authorization: `Bearer ${key}` },
      body: {
        model,
        ...(instructions === undefined ? {} : { instructions }),
        input: dialogue(messages).map((m) => ({ role: m.role, content: m.content })),
        stream,
      },
    };
  },
  readAnswer: (body) => {
    const response = obj(body);
    return { text: responseText(response), usage: responsesUsage(response['usage']) };
  },
  readEvent: (event) => {
    const data = obj(event);
    switch (data['type']) {
      case 'response.output_text.delta':
        return { text: String(data['delta'] ?? '') };
      case 'response.completed':
      case 'response.incomplete':
        return { usage: responsesUsage(obj(data['response'])['usage']) };
      case 'error':
        return {
          error: {
            code: typeof data['code'] === 'string' ? data['code'] : null,
            message: String(data['message']),
          },
        };
      case 'response.failed':
        return {
          error: streamError(obj(data['response'])['error']) ?? { code: null, message: 'response.failed' },
        };
      default:
        return {};
    }
  },
};

function geminiReading(value: unknown): IngressReading {
  const data = obj(value);
  const error = streamError(data['error']);
  if (error) return { error };
  const parts = list(obj(obj(list(data['candidates'])[0])['content'])['parts']).map(obj);
  const text = parts
    .filter((part) => typeof part['text'] === 'string' && part['thought'] !== true)
    .map((part) => part['text'] as string)
    .join('');
  const metadata = data['usageMetadata'];
  const usage = obj(metadata);
  return {
    text,
    usage:
      metadata === undefined
        ? undefined
        : {
            promptTokens: num(usage['promptTokenCount']),
            cachedTokens: num(usage['cachedContentTokenCount']),
            // Gemini counts thoughts apart from the candidates; the gateway bills both as output.
            completionTokens: num(usage['candidatesTokenCount']) + num(usage['thoughtsTokenCount']),
            reasoningTokens: num(usage['thoughtsTokenCount']),
          },
  };
}

const gemini: IngressFormatSpec = {
  request: (key, model, messages, stream) => {
    const system = systemText(messages);
    const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
    return {
      url: `/v1beta/models/${encodeURIComponent(model)}:${method}`,
      headers: { ...json, 'x-goog-api-key': key },
      body: {
        contents: dialogue(messages).map((m) => ({
          role: m.role === 'assistant' ? 'model' : 'user',
          parts: [{ text: m.content }],
        })),
        ...(system === undefined ? {} : { systemInstruction: { parts: [{ text: system }] } }),
      },
    };
  },
  readAnswer: geminiReading,
  readEvent: geminiReading,
};

/** A fresh spec per run (Anthropic's stream keeps the usage of message_start). */
export function ingressFormat(format: IngressFormat): IngressFormatSpec {
  switch (format) {
    case 'messages':
      return messagesFormat();
    case 'responses':
      return responses;
    case 'gemini':
      return gemini;
    default:
      return chat;
  }
}
