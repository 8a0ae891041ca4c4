// Chat completions requests ↔ the canonical request. Parsing builds on parseChatCompletionRequest
// (the same validation the pass-through route uses), then refuses what no other format can carry,
// naming the field; building writes the body an OpenAI-compatible upstream accepts.
import type {
  CanonicalImage,
  CanonicalMessage,
  CanonicalPart,
  CanonicalReasoning,
  CanonicalRequest,
  CanonicalResponseFormat,
  CanonicalText,
  CanonicalTool,
  CanonicalToolChoice,
  CanonicalToolResult,
  UpstreamTarget,
} from '../canonical/canonical-model';
import { isJsonObject, type JsonObject } from '../json/json-object';
import {
  childPath,
  invalidType,
  isAbsent,
  requireArray,
  requireBoolean,
  requireInteger,
  requireObject,
  requireOneOf,
  requireString,
} from '../validation/field-checks';
import { RequestValidationError } from '../validation/request-validation-error';
import type { ChatContentPart, ChatMessage } from './chat-messages';
import type { ChatTool } from './chat-tools';
import { configuredOutputTokensField, outputTokensField } from './output-tokens-field';
import { parseChatCompletionRequest } from './request';

/** OpenAI's efforts; `none` means no reasoning, `xhigh`/`max` are the most another format offers. */
const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;
const IMAGE_DETAILS = ['auto', 'low', 'high'] as const;

// ---------------------------------------------------------------------------------------------
// Wire → canonical

/**
 * A chat completions body as a canonical request. Throws RequestValidationError naming the field
 * for anything invalid, and for what the canonical model cannot carry to another format (n > 1,
 * logprobs, audio and file parts, non-function tools).
 */
export function parseChatRequest(value: unknown): CanonicalRequest {
  const { body, stream } = parseChatCompletionRequest(value);
  if (!isAbsent(body.n) && body.n > 1) {
    throw new RequestValidationError(
      'n',
      "Invalid 'n': only one choice (n = 1) can be generated when this model is served by another API format.",
    );
  }
  // Anthropic gives no log probabilities and the canonical answer carries none (Gemini's
  // logprobsResult is not mapped): an answer without the asked-for logprobs would say nothing.
  if (optionalBoolean(body, 'logprobs') === true) {
    throw new RequestValidationError(
      'logprobs',
      "Invalid 'logprobs': log probabilities cannot be returned when this model is served by another API format.",
    );
  }
  if (!isAbsent(body['top_logprobs']) && body['top_logprobs'] !== 0) {
    throw new RequestValidationError(
      'top_logprobs',
      "Invalid 'top_logprobs': log probabilities cannot be returned when this model is served by another API format.",
    );
  }
  const { system, messages } = parseMessages(body.messages);
  const tools = parseTools(body);
  return {
    model: body.model,
    system,
    messages,
    tools,
    toolChoice: parseToolChoice(body),
    parallelToolCalls: optionalBoolean(body, 'parallel_tool_calls'),
    // o-series clients send max_completion_tokens; max_tokens is its deprecated older name.
    maxOutputTokens: body.max_completion_tokens ?? body.max_tokens ?? null,
    temperature: optionalNumber(body, 'temperature', 0, 2),
    topP: optionalNumber(body, 'top_p', 0, 1),
    topK: null,
    stop: parseStop(body['stop']),
    seed: isAbsent(body['seed'])
      ? null
      : requireInteger(body['seed'], 'seed', { min: Number.MIN_SAFE_INTEGER }),
    responseFormat: parseResponseFormat(body.response_format),
    reasoning: parseReasoningEffort(body['reasoning_effort']),
    stream,
    includeUsage: stream && isJsonObject(body.stream_options) && body.stream_options.include_usage === true,
    user: isAbsent(body['user']) ? null : requireString(body['user'], 'user'),
  };
}

function parseMessages(wire: ChatMessage[]): { system: CanonicalText[]; messages: CanonicalMessage[] } {
  const system: CanonicalText[] = [];
  const messages: CanonicalMessage[] = [];
  /** Tool call id → function name, for tool turns (Gemini matches results by name). */
  const callNames = new Map<string, string>();
  /** The id given to the last legacy `function_call`, which the next `function` message answers. */
  let lastFunctionCallId: string | null = null;

  const toolTurn = (): CanonicalMessage => {
    const last = messages.at(-1);
    if (last?.role === 'tool') return last;
    const turn: CanonicalMessage = { role: 'tool', content: [] };
    messages.push(turn);
    return turn;
  };

  wire.forEach((message, index) => {
    const path = childPath('messages', index);
    const contentPath = childPath(path, 'content');
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...textOnly(message.content, contentPath));
        return;
      case 'user':
        messages.push({ role: 'user', content: userContent(message.content, contentPath) });
        return;
      case 'assistant': {
        const content: CanonicalPart[] = assistantText(message.content, contentPath);
        for (const [callIndex, call] of (message.tool_calls ?? []).entries()) {
          const callPath = childPath(childPath(path, 'tool_calls'), callIndex);
          if (call.function === undefined || (call.type ?? 'function') !== 'function') {
            throw new RequestValidationError(
              childPath(callPath, 'type'),
              'Only function tool calls can be sent to a model served by another API format.',
            );
          }
          callNames.set(call.id, call.function.name);
          content.push({
            type: 'tool_call',
            id: call.id,
            name: call.function.name,
            arguments: call.function.arguments,
          });
        }
        const legacy = message['function_call'];
        if (isJsonObject(legacy)) {
          const fnPath = childPath(path, 'function_call');
          const name = requireString(legacy['name'], childPath(fnPath, 'name'), { nonEmpty: true });
          const args = requireString(legacy['arguments'], childPath(fnPath, 'arguments'));
          lastFunctionCallId = `call_fn_${index}`;
          callNames.set(lastFunctionCallId, name);
          content.push({ type: 'tool_call', id: lastFunctionCallId, name, arguments: args });
        }
        messages.push({ role: 'assistant', content });
        return;
      }
      case 'tool': {
        const toolCallId = message.tool_call_id as string;
        const name = callNames.get(toolCallId);
        toolTurn().content.push({
          type: 'tool_result',
          toolCallId,
          ...(name === undefined ? {} : { name }),
          content: textOnly(message.content, contentPath),
        });
        return;
      }
      case 'function': {
        // The legacy form: the answer to the assistant's last `function_call`, matched by name.
        const name = message.name as string;
        toolTurn().content.push({
          type: 'tool_result',
          toolCallId: lastFunctionCallId ?? `call_fn_${index}`,
          name,
          content: textOnly(message.content, contentPath),
        });
        return;
      }
    }
  });
  return { system, messages };
}

/** System, developer and tool content: a string or text parts. */
function textOnly(content: ChatMessage['content'], path: string): CanonicalText[] {
  if (isAbsent(content)) return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part, index) => {
    if (part.type !== 'text') throw unsupportedPart(childPath(path, index), part.type);
    return { type: 'text', text: part.text as string };
  });
}

function assistantText(content: ChatMessage['content'], path: string): CanonicalPart[] {
  if (isAbsent(content)) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.map((part, index) => {
    if (part.type === 'text') return { type: 'text', text: part.text as string };
    if (part.type === 'refusal') return { type: 'text', text: part['refusal'] as string };
    throw unsupportedPart(childPath(path, index), part.type);
  });
}

function userContent(content: ChatMessage['content'], path: string): CanonicalPart[] {
  if (isAbsent(content)) return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part, index) => userPart(part, childPath(path, index)));
}

function userPart(part: ChatContentPart, path: string): CanonicalText | CanonicalImage {
  if (part.type === 'text') return { type: 'text', text: part.text as string };
  if (part.type !== 'image_url') throw unsupportedPart(path, part.type);
  const imagePath = childPath(path, 'image_url');
  const image = part['image_url'] as JsonObject;
  const detail = isAbsent(image['detail'])
    ? undefined
    : requireOneOf(image['detail'], childPath(imagePath, 'detail'), IMAGE_DETAILS);
  return {
    type: 'image',
    source: imageSource(image['url'] as string, childPath(imagePath, 'url')),
    ...(detail === undefined ? {} : { detail }),
  };
}

/** `data:image/png;base64,AAAA` → inline base64 (formats without URL images need the bytes); else a URL. */
export function imageSource(url: string, path: string): CanonicalImage['source'] {
  if (!url.startsWith('data:')) return { kind: 'url', url };
  const match = /^data:([^;,]+)((?:;[^;,]+)*);base64,(.*)$/s.exec(url);
  if (match === null) {
    throw new RequestValidationError(
      path,
      `Invalid '${path}': a data URL must be base64-encoded with a media type (data:image/png;base64,...).`,
    );
  }
  return { kind: 'base64', mediaType: match[1], data: match[3] };
}

function unsupportedPart(path: string, type: string): RequestValidationError {
  return new RequestValidationError(
    childPath(path, 'type'),
    `Invalid '${childPath(path, 'type')}': content of type '${type}' cannot be sent to a model served by another API format here.`,
  );
}

function parseTools(body: JsonObject): CanonicalTool[] {
  const tools: CanonicalTool[] = [];
  if (!isAbsent(body['tools'])) {
    (body['tools'] as ChatTool[]).forEach((tool, index) => {
      const path = childPath('tools', index);
      if (tool.type !== 'function' || tool.function === undefined) {
        throw new RequestValidationError(
          childPath(path, 'type'),
          `Invalid '${childPath(path, 'type')}': only function tools can be sent to a model served by another API format.`,
        );
      }
      tools.push(canonicalTool(tool.function));
    });
  }
  // The legacy `functions` list (before `tools`): the same definitions without the wrapper.
  if (!isAbsent(body['functions'])) {
    requireArray(body['functions'], 'functions').forEach((fn, index) => {
      const path = childPath('functions', index);
      const definition = requireObject(fn, path);
      requireString(definition['name'], childPath(path, 'name'), { nonEmpty: true });
      if (!isAbsent(definition['parameters']))
        requireObject(definition['parameters'], childPath(path, 'parameters'));
      tools.push(canonicalTool(definition));
    });
  }
  return tools;
}

function canonicalTool(fn: JsonObject): CanonicalTool {
  return {
    name: fn['name'] as string,
    ...(typeof fn['description'] === 'string' ? { description: fn['description'] } : {}),
    // A function without parameters takes none; every format wants an object schema.
    parameters: isJsonObject(fn['parameters']) ? fn['parameters'] : { type: 'object', properties: {} },
    ...(typeof fn['strict'] === 'boolean' ? { strict: fn['strict'] } : {}),
  };
}

function parseToolChoice(body: JsonObject): CanonicalToolChoice | null {
  const choice = body['tool_choice'];
  if (!isAbsent(choice)) {
    if (typeof choice === 'string') return choice as CanonicalToolChoice;
    const object = choice as JsonObject;
    if (object['type'] === 'function' && isJsonObject(object['function'])) {
      return { name: object['function']['name'] as string };
    }
    throw new RequestValidationError(
      'tool_choice.type',
      "Invalid 'tool_choice.type': only 'function' can be sent to a model served by another API format.",
    );
  }
  const legacy = body['function_call'];
  if (isAbsent(legacy)) return null;
  if (legacy === 'auto' || legacy === 'none') return legacy;
  const object = requireObject(legacy, 'function_call', "'auto', 'none' or an object");
  return { name: requireString(object['name'], 'function_call.name', { nonEmpty: true }) };
}

function parseStop(value: unknown): string[] {
  if (isAbsent(value)) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) throw invalidType('stop', 'a string or an array of strings', value);
  return value.map((item, index) => requireString(item, childPath('stop', index)));
}

function parseResponseFormat(format: JsonObject | null | undefined): CanonicalResponseFormat | null {
  if (isAbsent(format)) return null;
  const wire = format;
  switch (wire['type']) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const schema = wire['json_schema'] as JsonObject;
      return {
        type: 'json_schema',
        name: schema['name'] as string,
        schema: isJsonObject(schema['schema']) ? schema['schema'] : {},
        ...(typeof schema['strict'] === 'boolean' ? { strict: schema['strict'] } : {}),
      };
    }
    default:
      throw new RequestValidationError(
        'response_format.type',
        "Invalid 'response_format.type': only 'text', 'json_object' and 'json_schema' can be sent to a model served by another API format.",
      );
  }
}

function parseReasoningEffort(value: unknown): CanonicalReasoning | null {
  if (isAbsent(value)) return null;
  const effort = requireOneOf(value, 'reasoning_effort', REASONING_EFFORTS);
  if (effort === 'none') return null;
  return { effort: effort === 'xhigh' || effort === 'max' ? 'high' : effort };
}

function optionalBoolean(body: JsonObject, field: string): boolean | null {
  return isAbsent(body[field]) ? null : requireBoolean(body[field], field);
}

function optionalNumber(body: JsonObject, field: string, min: number, max: number): number | null {
  const value = body[field];
  if (isAbsent(value)) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidType(field, 'a number', value);
  if (value < min || value > max) {
    throw new RequestValidationError(
      field,
      `Invalid '${field}': expected a number from ${min} to ${max}, but got ${value} instead.`,
    );
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Canonical → wire

/**
 * The chat completions body for an upstream; streams always ask for usage (the relay bills it). The
 * output ceiling goes in the field the channel's settings or the upstream model's name call for
 * (output-tokens-field.ts); a request with reasoning takes `max_completion_tokens` unless the
 * channel says otherwise.
 */
export function buildChatBody(
  request: CanonicalRequest,
  upstreamModel: string,
  settings: UpstreamTarget['settings'] = {},
): JsonObject {
  const body: JsonObject = { model: upstreamModel, messages: buildMessages(request) };
  if (request.tools.length > 0) {
    body['tools'] = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.parameters,
        ...(tool.strict === undefined ? {} : { strict: tool.strict }),
      },
    }));
  }
  if (request.toolChoice !== null) {
    body['tool_choice'] =
      typeof request.toolChoice === 'string'
        ? request.toolChoice
        : { type: 'function', function: { name: request.toolChoice.name } };
  }
  if (request.parallelToolCalls !== null && request.tools.length > 0) {
    body['parallel_tool_calls'] = request.parallelToolCalls;
  }
  if (request.maxOutputTokens !== null) {
    const field =
      configuredOutputTokensField(settings) ??
      (request.reasoning !== null ? 'max_completion_tokens' : outputTokensField(upstreamModel, settings));
    body[field] = request.maxOutputTokens;
  }
  if (request.temperature !== null) body['temperature'] = request.temperature;
  if (request.topP !== null) body['top_p'] = request.topP;
  if (request.stop.length > 0) body['stop'] = request.stop;
  if (request.seed !== null) body['seed'] = request.seed;
  if (request.responseFormat !== null) body['response_format'] = buildResponseFormat(request.responseFormat);
  if (request.reasoning?.effort !== undefined) body['reasoning_effort'] = request.reasoning.effort;
  if (request.user !== null) body['user'] = request.user;
  if (request.stream) {
    body['stream'] = true;
    body['stream_options'] = { include_usage: true };
  }
  return body;
}

function buildResponseFormat(format: CanonicalResponseFormat): JsonObject {
  if (format.type !== 'json_schema') return { type: format.type };
  return {
    type: 'json_schema',
    json_schema: {
      name: format.name,
      schema: format.schema,
      ...(format.strict === undefined ? {} : { strict: format.strict }),
    },
  };
}

function buildMessages(request: CanonicalRequest): JsonObject[] {
  const messages: JsonObject[] = request.system.map((text) => ({ role: 'system', content: text.text }));
  for (const message of request.messages) {
    const results = message.content.filter(
      (part): part is CanonicalToolResult => part.type === 'tool_result',
    );
    // Tool results are messages of their own, answered before anything else the turn says: OpenAI
    // refuses tool calls whose tool messages do not all follow them, so a result's images (a tool
    // message holds text only) go in one user message after the last.
    for (const result of results) messages.push(toolMessage(result));
    const images = results.flatMap((result) =>
      result.content.filter((part): part is CanonicalImage => part.type === 'image'),
    );
    if (images.length > 0) messages.push({ role: 'user', content: images.map(imagePart) });
    const rest = message.content.filter((part) => part.type !== 'tool_result');
    if (message.role === 'assistant') {
      const assistant = assistantMessage(rest);
      if (assistant !== null) messages.push(assistant);
    } else if (rest.length > 0) {
      messages.push({ role: 'user', content: userParts(rest) });
    }
  }
  return messages;
}

function assistantMessage(parts: CanonicalPart[]): JsonObject | null {
  // Thinking is not sent back: OpenAI takes no reasoning text in a request.
  const text = parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  const calls = parts.flatMap((part) =>
    part.type === 'tool_call'
      ? [{ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } }]
      : [],
  );
  if (text === '' && calls.length === 0) return null;
  return {
    role: 'assistant',
    content: text === '' ? null : text,
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
  };
}

/** A string when the content is only text (what every compatible server reads), else parts. */
function userParts(parts: CanonicalPart[]): string | JsonObject[] {
  if (parts.every((part) => part.type === 'text')) {
    return parts.map((part) => (part as CanonicalText).text).join('\n\n');
  }
  return parts.flatMap((part): JsonObject[] => {
    if (part.type === 'text') return [{ type: 'text', text: part.text }];
    if (part.type === 'image') return [imagePart(part)];
    return []; // thinking and tool calls have no place in a user message
  });
}

function imagePart(image: CanonicalImage): JsonObject {
  const url =
    image.source.kind === 'url'
      ? image.source.url
      : `data:${image.source.mediaType};base64,${image.source.data}`;
  return {
    type: 'image_url',
    image_url: { url, ...(image.detail === undefined ? {} : { detail: image.detail }) },
  };
}

/**
 * A `tool` message takes text only; images a tool returned follow in a user message, the way
 * models served through chat completions are shown them. OpenAI has no error flag: the text says it.
 */
function toolMessage(result: CanonicalToolResult): JsonObject {
  const text = result.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n\n');
  return { role: 'tool', tool_call_id: result.toolCallId, content: text };
}
