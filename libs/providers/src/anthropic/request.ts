// Anthropic Messages requests, both ways: a /v1/messages client's body → CanonicalRequest
// (validated, errors naming the field), and CanonicalRequest → the call to an Anthropic upstream.
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
  UpstreamCall,
  UpstreamTarget,
} from '../canonical/canonical-model';
import { isJsonObject, type JsonObject } from '../json/json-object';
import {
  MAX_OUTPUT_TOKENS,
  childPath,
  isAbsent,
  requireArray,
  requireBoolean,
  requireInteger,
  requireObject,
  requireOneOf,
  requireNumberIn,
  requireString,
} from '../validation/field-checks';
import { RequestValidationError } from '../validation/request-validation-error';
import { isAnthropicSigned, readAnthropicSignature, thinkingAllowed } from './thinking-signature';

/** The API version a channel speaks unless its settings.anthropicVersion says otherwise. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/** Anthropic's smallest thinking budget; a smaller one is refused. */
export const MIN_THINKING_BUDGET = 1024;

// ---------------------------------------------------------------------------------------------
// Ingress: the client's body → canonical

function optionalNumber(value: unknown, path: string, range: { min: number; max?: number }): number | null {
  return isAbsent(value) ? null : requireNumberIn(value, path, range);
}

function unsupportedBlock(path: string, type: string, where: string): RequestValidationError {
  return new RequestValidationError(
    childPath(path, 'type'),
    `Invalid '${childPath(path, 'type')}': content blocks of type '${type}' are not supported in ${where}.`,
  );
}

function parseText(block: JsonObject, path: string): CanonicalText {
  return { type: 'text', text: requireString(block['text'], childPath(path, 'text')) };
}

function parseImage(block: JsonObject, path: string): CanonicalImage {
  const sourcePath = childPath(path, 'source');
  const source = requireObject(block['source'], sourcePath);
  // A `file` source names a file in Anthropic's Files API, which no other upstream can read.
  const kind = requireOneOf(source['type'], childPath(sourcePath, 'type'), ['base64', 'url'] as const);
  if (kind === 'url') {
    return {
      type: 'image',
      source: {
        kind: 'url',
        url: requireString(source['url'], childPath(sourcePath, 'url'), { nonEmpty: true }),
      },
    };
  }
  return {
    type: 'image',
    source: {
      kind: 'base64',
      mediaType: requireString(source['media_type'], childPath(sourcePath, 'media_type'), { nonEmpty: true }),
      data: requireString(source['data'], childPath(sourcePath, 'data'), { nonEmpty: true }),
    },
  };
}

function parseToolResult(
  block: JsonObject,
  path: string,
  toolNames: Map<string, string>,
): CanonicalToolResult {
  const toolCallId = requireString(block['tool_use_id'], childPath(path, 'tool_use_id'), { nonEmpty: true });
  const contentPath = childPath(path, 'content');
  const raw = block['content'];
  let content: Array<CanonicalText | CanonicalImage> = [];
  if (typeof raw === 'string') content = [{ type: 'text', text: raw }];
  else if (!isAbsent(raw)) {
    content = requireArray(raw, contentPath).map((item, index) => {
      const itemPath = childPath(contentPath, index);
      const part = requireObject(item, itemPath);
      const type = requireString(part['type'], childPath(itemPath, 'type'));
      if (type === 'text') return parseText(part, itemPath);
      if (type === 'image') return parseImage(part, itemPath);
      throw unsupportedBlock(itemPath, type, 'a tool result');
    });
  }
  const isError = isAbsent(block['is_error'])
    ? undefined
    : requireBoolean(block['is_error'], childPath(path, 'is_error'));
  const name = toolNames.get(toolCallId);
  return {
    type: 'tool_result',
    toolCallId,
    // Anthropic matches results by id; formats that match by name (Gemini) need the call's name.
    ...(name === undefined ? {} : { name }),
    content,
    ...(isError === undefined ? {} : { isError }),
  };
}

function parseAssistantBlock(block: JsonObject, path: string, toolNames: Map<string, string>): CanonicalPart {
  const type = requireString(block['type'], childPath(path, 'type'));
  switch (type) {
    case 'text':
      return parseText(block, path);
    case 'tool_use': {
      const id = requireString(block['id'], childPath(path, 'id'), { nonEmpty: true });
      const name = requireString(block['name'], childPath(path, 'name'), { nonEmpty: true });
      const input = requireObject(block['input'], childPath(path, 'input'));
      toolNames.set(id, name);
      return { type: 'tool_call', id, name, arguments: JSON.stringify(input) };
    }
    case 'thinking':
      return {
        type: 'thinking',
        text: requireString(block['thinking'], childPath(path, 'thinking')),
        ...readAnthropicSignature(requireString(block['signature'], childPath(path, 'signature'))),
      };
    case 'redacted_thinking':
      return { type: 'thinking', text: '', redacted: requireString(block['data'], childPath(path, 'data')) };
    default:
      throw unsupportedBlock(path, type, 'an assistant message');
  }
}

function blocksOf(content: unknown, path: string): JsonObject[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return requireArray(content, path).map((block, index) => requireObject(block, childPath(path, index)));
}

/**
 * One Anthropic message → canonical turns. A user turn may carry tool results and text together;
 * canonically results travel in `tool` turns, so each run of results becomes its own turn, in order.
 */
function parseMessage(message: JsonObject, path: string, toolNames: Map<string, string>): CanonicalMessage[] {
  const role = requireOneOf(message['role'], childPath(path, 'role'), ['user', 'assistant'] as const);
  const contentPath = childPath(path, 'content');
  const blocks = blocksOf(message['content'], contentPath);
  if (role === 'assistant') {
    return [
      {
        role: 'assistant',
        content: blocks.map((block, index) =>
          parseAssistantBlock(block, childPath(contentPath, index), toolNames),
        ),
      },
    ];
  }
  const turns: CanonicalMessage[] = [];
  const push = (turnRole: 'user' | 'tool', part: CanonicalPart) => {
    const last = turns[turns.length - 1];
    if (last?.role === turnRole) last.content.push(part);
    else turns.push({ role: turnRole, content: [part] });
  };
  blocks.forEach((block, index) => {
    const blockPath = childPath(contentPath, index);
    const type = requireString(block['type'], childPath(blockPath, 'type'));
    if (type === 'text') push('user', parseText(block, blockPath));
    else if (type === 'image') push('user', parseImage(block, blockPath));
    else if (type === 'tool_result') push('tool', parseToolResult(block, blockPath, toolNames));
    else throw unsupportedBlock(blockPath, type, 'a user message');
  });
  // An empty content array is still a (useless) user turn; keep it rather than shift the turns.
  return turns.length > 0 ? turns : [{ role: 'user', content: [] }];
}

function parseSystem(value: unknown): CanonicalText[] {
  if (isAbsent(value)) return [];
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  return requireArray(value, 'system').map((item, index) => {
    const path = childPath('system', index);
    const block = requireObject(item, path);
    requireOneOf(block['type'], childPath(path, 'type'), ['text'] as const);
    return parseText(block, path);
  });
}

function parseTools(value: unknown): CanonicalTool[] {
  if (isAbsent(value)) return [];
  return requireArray(value, 'tools').map((item, index) => {
    const path = childPath('tools', index);
    const tool = requireObject(item, path);
    // Server tools (web search, code execution, bash…) run inside Anthropic; no other upstream has them.
    if (!isAbsent(tool['type'])) requireOneOf(tool['type'], childPath(path, 'type'), ['custom'] as const);
    const description = tool['description'];
    const strict = tool['strict'];
    return {
      name: requireString(tool['name'], childPath(path, 'name'), { nonEmpty: true }),
      ...(isAbsent(description)
        ? {}
        : { description: requireString(description, childPath(path, 'description')) }),
      parameters: requireObject(tool['input_schema'], childPath(path, 'input_schema')),
      ...(isAbsent(strict) ? {} : { strict: requireBoolean(strict, childPath(path, 'strict')) }),
    };
  });
}

function parseToolChoice(value: unknown): {
  toolChoice: CanonicalToolChoice | null;
  parallelToolCalls: boolean | null;
} {
  if (isAbsent(value)) return { toolChoice: null, parallelToolCalls: null };
  const choice = requireObject(value, 'tool_choice');
  const type = requireOneOf(choice['type'], 'tool_choice.type', ['auto', 'any', 'tool', 'none'] as const);
  const disable = choice['disable_parallel_tool_use'];
  const parallelToolCalls = isAbsent(disable)
    ? null
    : !requireBoolean(disable, 'tool_choice.disable_parallel_tool_use');
  const toolChoice: CanonicalToolChoice =
    type === 'any'
      ? 'required'
      : type === 'tool'
        ? { name: requireString(choice['name'], 'tool_choice.name', { nonEmpty: true }) }
        : type;
  return { toolChoice, parallelToolCalls };
}

const EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;

function parseReasoning(thinking: unknown, outputConfig: JsonObject | null): CanonicalReasoning | null {
  const effortValue = outputConfig?.['effort'];
  const effort = isAbsent(effortValue)
    ? undefined
    : requireOneOf(effortValue, 'output_config.effort', EFFORTS);
  // Canonical effort stops at `high`; Anthropic's xhigh and max are the most there is.
  const canonicalEffort =
    effort === undefined ? undefined : effort === 'xhigh' || effort === 'max' ? 'high' : effort;
  if (isAbsent(thinking)) return canonicalEffort === undefined ? null : { effort: canonicalEffort };
  const config = requireObject(thinking, 'thinking');
  const type = requireOneOf(config['type'], 'thinking.type', ['enabled', 'disabled', 'adaptive'] as const);
  if (type === 'disabled') return null;
  const budget =
    type === 'enabled'
      ? requireInteger(config['budget_tokens'], 'thinking.budget_tokens', { min: MIN_THINKING_BUDGET })
      : undefined;
  return {
    ...(canonicalEffort === undefined ? {} : { effort: canonicalEffort }),
    ...(budget === undefined ? {} : { budgetTokens: budget }),
    includeThoughts: true,
  };
}

function parseResponseFormat(outputConfig: JsonObject | null): CanonicalResponseFormat | null {
  const format = outputConfig?.['format'];
  if (isAbsent(format)) return null;
  const object = requireObject(format, 'output_config.format');
  requireOneOf(object['type'], 'output_config.format.type', ['json_schema'] as const);
  // Anthropic's structured output has no name; canonical (OpenAI) needs one.
  return {
    type: 'json_schema',
    name: 'response',
    schema: requireObject(object['schema'], 'output_config.format.schema'),
  };
}

/** A /v1/messages body → canonical. Throws RequestValidationError naming the field. */
export function parseAnthropicRequest(body: unknown): CanonicalRequest {
  if (!isJsonObject(body)) throw new RequestValidationError(null, 'The request body must be a JSON object.');
  const model = requireString(body['model'], 'model', { nonEmpty: true });
  const maxOutputTokens = requireInteger(body['max_tokens'], 'max_tokens', {
    min: 1,
    max: MAX_OUTPUT_TOKENS,
  });
  const toolNames = new Map<string, string>();
  const messages = requireArray(body['messages'], 'messages').flatMap((message, index) =>
    parseMessage(
      requireObject(message, childPath('messages', index)),
      childPath('messages', index),
      toolNames,
    ),
  );
  const stop = isAbsent(body['stop_sequences'])
    ? []
    : requireArray(body['stop_sequences'], 'stop_sequences').map((item, index) =>
        requireString(item, childPath('stop_sequences', index)),
      );
  const metadata = isAbsent(body['metadata']) ? null : requireObject(body['metadata'], 'metadata');
  const userId = metadata?.['user_id'];
  const outputConfig = isAbsent(body['output_config'])
    ? null
    : requireObject(body['output_config'], 'output_config');
  const topK = isAbsent(body['top_k']) ? null : requireInteger(body['top_k'], 'top_k', { min: 0 });
  return {
    model,
    system: parseSystem(body['system']),
    messages,
    tools: parseTools(body['tools']),
    ...parseToolChoice(body['tool_choice']),
    maxOutputTokens,
    temperature: optionalNumber(body['temperature'], 'temperature', { min: 0, max: 1 }),
    topP: optionalNumber(body['top_p'], 'top_p', { min: 0, max: 1 }),
    topK,
    stop,
    seed: null,
    responseFormat: parseResponseFormat(outputConfig),
    reasoning: parseReasoning(body['thinking'], outputConfig),
    stream: isAbsent(body['stream']) ? false : requireBoolean(body['stream'], 'stream'),
    user: isAbsent(userId) ? null : requireString(userId, 'metadata.user_id'),
  };
}

// ---------------------------------------------------------------------------------------------
// Upstream: canonical → the call to Anthropic

/** `{base}/v1{path}`; an operator who put `/v1` in the base URL does not get it twice. */
export function anthropicUrl(baseUrl: string, path: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base.endsWith('/v1') ? base : `${base}/v1`}${path}`;
}

export function anthropicHeaders(
  target: Pick<UpstreamTarget, 'apiKey' | 'settings'>,
): Record<string, string> {
  const configured = target.settings['anthropicVersion'];
  return {
    // The key goes in its header, never the URL, so it stays out of proxies' logs.
    'x-api-key': target.apiKey,
    'anthropic-version':
      typeof configured === 'string' && configured !== '' ? configured : DEFAULT_ANTHROPIC_VERSION,
  };
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function imageBlock(image: CanonicalImage): JsonObject {
  if (image.source.kind === 'base64') {
    return {
      type: 'image',
      source: { type: 'base64', media_type: image.source.mediaType, data: image.source.data },
    };
  }
  // Anthropic's url source fetches http(s) only; an inline data: URL becomes base64.
  const inline = DATA_URL.exec(image.source.url);
  if (inline !== null) {
    return { type: 'image', source: { type: 'base64', media_type: inline[1], data: inline[2] } };
  }
  return { type: 'image', source: { type: 'url', url: image.source.url } };
}

function toolInput(argumentsText: string, path: string): JsonObject {
  if (argumentsText.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(argumentsText);
  } catch {
    parsed = undefined;
  }
  if (!isJsonObject(parsed)) {
    throw new RequestValidationError(
      path,
      `Invalid '${path}': a tool call's arguments must be a JSON object.`,
    );
  }
  return parsed;
}

function contentBlocks(message: CanonicalMessage, index: number): JsonObject[] {
  const blocks: JsonObject[] = [];
  message.content.forEach((part, partIndex) => {
    const path = childPath(childPath(childPath('messages', index), 'content'), partIndex);
    switch (part.type) {
      case 'text':
        blocks.push({ type: 'text', text: part.text });
        break;
      case 'image':
        blocks.push(imageBlock(part));
        break;
      case 'tool_call':
        blocks.push({
          type: 'tool_use',
          id: part.id,
          name: part.name,
          input: toolInput(part.arguments, childPath(path, 'arguments')),
        });
        break;
      case 'tool_result':
        blocks.push({
          type: 'tool_result',
          tool_use_id: part.toolCallId,
          ...(part.content.length === 0
            ? {}
            : {
                content: part.content.map((item) =>
                  item.type === 'text' ? { type: 'text', text: item.text } : imageBlock(item),
                ),
              }),
          ...(part.isError === undefined ? {} : { is_error: part.isError }),
        });
        break;
      case 'thinking':
        if (part.redacted !== undefined) blocks.push({ type: 'redacted_thinking', data: part.redacted });
        else if (isAnthropicSigned(part))
          blocks.push({ type: 'thinking', thinking: part.text, signature: part.signature });
        // Another provider's reasoning (unsigned, or signed by it) cannot be replayed: Anthropic
        // verifies the signature and refuses the request (thinking-signature.ts).
        break;
    }
  });
  return blocks;
}

/** Canonical turns → Anthropic's, tool turns as user turns, consecutive same-role turns merged. */
function anthropicMessages(messages: CanonicalMessage[]): JsonObject[] {
  const out: Array<{ role: 'user' | 'assistant'; content: JsonObject[] }> = [];
  messages.forEach((message, index) => {
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const content = contentBlocks(message, index);
    // A turn that held only another provider's thinking has nothing Anthropic may be sent, and an
    // empty turn is refused: it is left out (Anthropic reads the turns around it as one).
    if (content.length === 0 && message.content.length > 0 && message.content.every(isThinking)) return;
    const last = out[out.length - 1];
    if (last?.role === role) last.content.push(...content);
    else out.push({ role, content });
  });
  return out;
}

function isThinking(part: CanonicalMessage['content'][number]): boolean {
  return part.type === 'thinking';
}

/** Thinking budgets for an OpenAI-style effort (Anthropic's budgets start at 1024). */
const EFFORT_BUDGET: Record<NonNullable<CanonicalReasoning['effort']>, number> = {
  minimal: MIN_THINKING_BUDGET,
  low: 2048,
  medium: 8192,
  high: 24576,
};

/** The budget to ask for, kept below max_tokens as Anthropic requires; null when none fits. */
function thinkingBudget(reasoning: CanonicalReasoning | null, maxTokens: number): number | null {
  if (reasoning === null) return null;
  const wanted =
    reasoning.budgetTokens ?? (reasoning.effort === undefined ? null : EFFORT_BUDGET[reasoning.effort]);
  if (wanted === null) return null;
  const budget = Math.min(wanted, maxTokens - 1);
  return budget >= MIN_THINKING_BUDGET ? budget : null;
}

function anthropicToolChoice(request: CanonicalRequest): JsonObject | null {
  const disable = request.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  const choice = request.toolChoice;
  if (choice === null) return request.parallelToolCalls === false ? { type: 'auto', ...disable } : null;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...disable };
  if (choice === 'required') return { type: 'any', ...disable };
  return { type: 'tool', name: choice.name, ...disable };
}

/**
 * Canonical → an Anthropic Messages call. Anthropic requires `max_tokens`, so this throws when
 * `maxOutputTokens` is null: the relay sets it from its hold before building (the upstream must
 * never be allowed more output than was held).
 */
export function buildAnthropicRequest(request: CanonicalRequest, target: UpstreamTarget): UpstreamCall {
  if (request.maxOutputTokens === null) {
    throw new Error(
      'Anthropic requires max_tokens: set maxOutputTokens from the hold before building the request',
    );
  }
  const maxTokens = request.maxOutputTokens;
  const messages = anthropicMessages(request.messages);
  const tools = request.tools.map((tool) => ({
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    input_schema: tool.parameters,
    ...(tool.strict === undefined ? {} : { strict: tool.strict }),
  }));
  const toolChoice = tools.length > 0 ? anthropicToolChoice(request) : null;
  // Reasoning is asked for where Anthropic can give it: not with a tool choice that forces a tool,
  // nor in a tool cycle whose assistant turn carries no thinking Anthropic signed (an OpenAI client
  // never sends it back, another provider's cannot be replayed). Anthropic refuses both with thinking on.
  const budget = thinkingAllowed(toolChoice, messages) ? thinkingBudget(request.reasoning, maxTokens) : null;
  const body: JsonObject = {
    model: target.upstreamModel,
    max_tokens: maxTokens,
    messages,
  };
  if (request.system.length > 0)
    body['system'] = request.system.map((part) => ({ type: 'text', text: part.text }));
  if (tools.length > 0) body['tools'] = tools;
  if (toolChoice !== null) body['tool_choice'] = toolChoice;
  if (request.stop.length > 0) body['stop_sequences'] = request.stop;
  // With thinking on, Anthropic refuses temperature and top_k and any top_p below 0.95.
  if (budget !== null) body['thinking'] = { type: 'enabled', budget_tokens: budget };
  if (request.temperature !== null && budget === null) body['temperature'] = Math.min(request.temperature, 1);
  if (request.topP !== null && (budget === null || request.topP >= 0.95)) body['top_p'] = request.topP;
  if (request.topK !== null && budget === null) body['top_k'] = request.topK;
  // `json_object` has no Anthropic equivalent short of a schema; the instruction stays in the prompt.
  if (request.responseFormat?.type === 'json_schema') {
    body['output_config'] = { format: { type: 'json_schema', schema: request.responseFormat.schema } };
  }
  if (request.user !== null) body['metadata'] = { user_id: request.user };
  if (request.stream) body['stream'] = true;
  return {
    method: 'POST',
    url: anthropicUrl(target.baseUrl, '/messages'),
    headers: {
      ...anthropicHeaders(target),
      'content-type': 'application/json',
      accept: request.stream ? 'text/event-stream' : 'application/json',
    },
    body,
  };
}
