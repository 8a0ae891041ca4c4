// A Responses API request (`client.responses.create`) as a canonical request. The gateway keeps no
// responses, so only the stateless form is accepted: everything the model needs is in `input`.
import type {
  CanonicalMessage,
  CanonicalPart,
  CanonicalReasoning,
  CanonicalRequest,
  CanonicalResponseFormat,
  CanonicalText,
  CanonicalTool,
  CanonicalToolChoice,
} from '../canonical/canonical-model';
import { isJsonObject, type JsonObject } from '../json/json-object';
import { imageSource } from '../openai/chat-canonical-request';
import { MAX_MODEL_NAME_LENGTH } from '../openai/request';
import {
  MAX_OUTPUT_TOKENS,
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
import { responseSettings } from './responses-settings';

const ROLES = ['user', 'assistant', 'system', 'developer'] as const;
const EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
const IMAGE_DETAILS = ['auto', 'low', 'high'] as const;

export function parseResponsesRequest(value: unknown): CanonicalRequest {
  if (!isJsonObject(value)) throw new RequestValidationError(null, 'The request body must be a JSON object.');
  const body = value;
  const model = requireString(body['model'], 'model', { nonEmpty: true, maxLength: MAX_MODEL_NAME_LENGTH });
  for (const field of ['previous_response_id', 'conversation']) {
    if (!isAbsent(body[field])) {
      throw new RequestValidationError(
        field,
        `Invalid '${field}': this gateway keeps no responses or conversations; send the whole conversation in 'input' (with store: false).`,
      );
    }
  }
  // No upstream's log probabilities reach a Responses client (the canonical answer has none).
  const logprobs =
    !isAbsent(body['top_logprobs']) && body['top_logprobs'] !== 0
      ? 'top_logprobs'
      : Array.isArray(body['include']) && body['include'].includes('message.output_text.logprobs')
        ? 'include'
        : null;
  if (logprobs !== null) {
    throw new RequestValidationError(
      logprobs,
      `Invalid '${logprobs}': log probabilities cannot be returned by this gateway's Responses API.`,
    );
  }
  if (body['background'] === true) {
    throw new RequestValidationError(
      'background',
      "Invalid 'background': background responses are not supported.",
    );
  }
  const system: CanonicalText[] = [];
  if (!isAbsent(body['instructions'])) {
    system.push({ type: 'text', text: requireString(body['instructions'], 'instructions') });
  }
  const messages = parseInput(body['input'], system);
  const stream = isAbsent(body['stream']) ? false : requireBoolean(body['stream'], 'stream');
  return {
    model,
    system,
    messages,
    tools: parseTools(body['tools']),
    toolChoice: parseToolChoice(body['tool_choice']),
    parallelToolCalls: isAbsent(body['parallel_tool_calls'])
      ? null
      : requireBoolean(body['parallel_tool_calls'], 'parallel_tool_calls'),
    maxOutputTokens: isAbsent(body['max_output_tokens'])
      ? null
      : requireInteger(body['max_output_tokens'], 'max_output_tokens', { min: 1, max: MAX_OUTPUT_TOKENS }),
    temperature: optionalNumber(body, 'temperature', 2),
    topP: optionalNumber(body, 'top_p', 1),
    topK: null,
    stop: [],
    seed: null,
    responseFormat: parseTextFormat(body['text']),
    reasoning: parseReasoning(body['reasoning']),
    stream,
    // `user` is the older name of `safety_identifier`.
    user: optionalString(body, 'safety_identifier') ?? optionalString(body, 'user'),
    echo: responseSettings(body),
  };
}

function parseInput(value: unknown, system: CanonicalText[]): CanonicalMessage[] {
  if (typeof value === 'string') return [{ role: 'user', content: [{ type: 'text', text: value }] }];
  const items = requireArray(value, 'input', { nonEmpty: true });
  const messages: CanonicalMessage[] = [];
  const callNames = new Map<string, string>();
  /** Consecutive items of one role (a message, then its function calls) make one turn. */
  const turn = (role: CanonicalMessage['role']): CanonicalMessage => {
    const last = messages.at(-1);
    if (last?.role === role) return last;
    const next: CanonicalMessage = { role, content: [] };
    messages.push(next);
    return next;
  };
  items.forEach((raw, index) => {
    const path = childPath('input', index);
    const item = requireObject(raw, path);
    // An EasyInputMessage has no `type`; a full message item says `message`.
    const type = isAbsent(item['type']) ? 'message' : requireString(item['type'], childPath(path, 'type'));
    switch (type) {
      case 'message': {
        const role = requireOneOf(item['role'], childPath(path, 'role'), ROLES);
        const content = messageContent(item['content'], childPath(path, 'content'), role);
        if (role === 'system' || role === 'developer') {
          system.push(...(content as CanonicalText[]));
        } else {
          turn(role).content.push(...content);
        }
        return;
      }
      case 'function_call': {
        const callId = requireString(item['call_id'], childPath(path, 'call_id'), { nonEmpty: true });
        const name = requireString(item['name'], childPath(path, 'name'), { nonEmpty: true });
        callNames.set(callId, name);
        turn('assistant').content.push({
          type: 'tool_call',
          id: callId,
          name,
          arguments: requireString(item['arguments'], childPath(path, 'arguments')),
        });
        return;
      }
      case 'function_call_output': {
        const callId = requireString(item['call_id'], childPath(path, 'call_id'), { nonEmpty: true });
        const name = callNames.get(callId);
        turn('tool').content.push({
          type: 'tool_result',
          toolCallId: callId,
          ...(name === undefined ? {} : { name }),
          content: toolOutput(item['output'], childPath(path, 'output')),
        });
        return;
      }
      case 'reasoning':
        // Reasoning items carry OpenAI's encrypted state, which no other provider can read.
        return;
      default:
        throw new RequestValidationError(
          childPath(path, 'type'),
          `Invalid '${childPath(path, 'type')}': input items of type '${type}' are not supported here (this gateway is stateless and serves function tools only).`,
        );
    }
  });
  return messages;
}

function messageContent(value: unknown, path: string, role: (typeof ROLES)[number]): CanonicalPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  const parts = requireArray(value, path);
  return parts.map((raw, index): CanonicalPart => {
    const partPath = childPath(path, index);
    const part = requireObject(raw, partPath);
    const type = requireString(part['type'], childPath(partPath, 'type'));
    if (type === 'input_text' || type === 'output_text') {
      return { type: 'text', text: requireString(part['text'], childPath(partPath, 'text')) };
    }
    if (type === 'refusal') {
      return { type: 'text', text: requireString(part['refusal'], childPath(partPath, 'refusal')) };
    }
    if (type === 'input_image' && role === 'user') return inputImage(part, partPath);
    throw new RequestValidationError(
      childPath(partPath, 'type'),
      `Invalid '${childPath(partPath, 'type')}': content of type '${type}' is not supported in a ${role} message here.`,
    );
  });
}

function inputImage(part: JsonObject, path: string): CanonicalPart {
  if (isAbsent(part['image_url'])) {
    throw new RequestValidationError(
      childPath(path, 'image_url'),
      `Missing required parameter: '${childPath(path, 'image_url')}' (file_id images need OpenAI's file store).`,
    );
  }
  const urlPath = childPath(path, 'image_url');
  const url = requireString(part['image_url'], urlPath, { nonEmpty: true });
  const detail = isAbsent(part['detail'])
    ? undefined
    : requireOneOf(part['detail'], childPath(path, 'detail'), IMAGE_DETAILS);
  return { type: 'image', source: imageSource(url, urlPath), ...(detail === undefined ? {} : { detail }) };
}

function toolOutput(value: unknown, path: string) {
  if (typeof value === 'string') return [{ type: 'text' as const, text: value }];
  return requireArray(value, path).map((raw, index) => {
    const partPath = childPath(path, index);
    const part = requireObject(raw, partPath);
    const type = requireString(part['type'], childPath(partPath, 'type'));
    if (type === 'input_text') {
      return { type: 'text' as const, text: requireString(part['text'], childPath(partPath, 'text')) };
    }
    if (type === 'input_image')
      return inputImage(part, partPath) as Extract<CanonicalPart, { type: 'image' }>;
    throw new RequestValidationError(
      childPath(partPath, 'type'),
      `Invalid '${childPath(partPath, 'type')}': tool output of type '${type}' is not supported here.`,
    );
  });
}

function parseTools(value: unknown): CanonicalTool[] {
  if (isAbsent(value)) return [];
  return requireArray(value, 'tools').map((raw, index) => {
    const path = childPath('tools', index);
    const tool = requireObject(raw, path);
    const type = requireString(tool['type'], childPath(path, 'type'));
    if (type !== 'function') {
      throw new RequestValidationError(
        childPath(path, 'type'),
        `Invalid '${childPath(path, 'type')}': only function tools are supported here, not '${type}'.`,
      );
    }
    const name = requireString(tool['name'], childPath(path, 'name'), { nonEmpty: true });
    const parameters = isAbsent(tool['parameters'])
      ? { type: 'object', properties: {} }
      : requireObject(tool['parameters'], childPath(path, 'parameters'));
    return {
      name,
      ...(isAbsent(tool['description'])
        ? {}
        : { description: requireString(tool['description'], childPath(path, 'description')) }),
      parameters,
      ...(isAbsent(tool['strict'])
        ? {}
        : { strict: requireBoolean(tool['strict'], childPath(path, 'strict')) }),
    };
  });
}

function parseToolChoice(value: unknown): CanonicalToolChoice | null {
  if (isAbsent(value)) return null;
  if (typeof value === 'string')
    return requireOneOf(value, 'tool_choice', ['auto', 'none', 'required'] as const);
  const choice = requireObject(value, 'tool_choice', 'a string or an object');
  if (choice['type'] !== 'function') {
    throw new RequestValidationError(
      'tool_choice.type',
      "Invalid 'tool_choice.type': only 'function' is supported here.",
    );
  }
  return { name: requireString(choice['name'], 'tool_choice.name', { nonEmpty: true }) };
}

function parseTextFormat(value: unknown): CanonicalResponseFormat | null {
  if (isAbsent(value)) return null;
  const text = requireObject(value, 'text');
  if (isAbsent(text['format'])) return null;
  const format = requireObject(text['format'], 'text.format');
  const type = requireOneOf(format['type'], 'text.format.type', ['text', 'json_object', 'json_schema']);
  if (type !== 'json_schema') return { type };
  return {
    type,
    name: requireString(format['name'], 'text.format.name', { nonEmpty: true }),
    schema: requireObject(format['schema'], 'text.format.schema'),
    ...(isAbsent(format['strict']) ? {} : { strict: requireBoolean(format['strict'], 'text.format.strict') }),
  };
}

function parseReasoning(value: unknown): CanonicalReasoning | null {
  if (isAbsent(value)) return null;
  const reasoning = requireObject(value, 'reasoning');
  const effort = isAbsent(reasoning['effort'])
    ? undefined
    : requireOneOf(reasoning['effort'], 'reasoning.effort', EFFORTS);
  if (effort === 'none') return null;
  const summary = !isAbsent(reasoning['summary']) && reasoning['summary'] !== 'none';
  if (effort === undefined && !summary) return null;
  return {
    ...(effort === undefined ? {} : { effort: effort === 'xhigh' ? 'high' : effort }),
    ...(summary ? { includeThoughts: true } : {}),
  };
}

function optionalNumber(body: JsonObject, field: string, max: number): number | null {
  const value = body[field];
  if (isAbsent(value)) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidType(field, 'a number', value);
  if (value < 0 || value > max) {
    throw new RequestValidationError(
      field,
      `Invalid '${field}': expected a number from 0 to ${max}, but got ${value}.`,
    );
  }
  return value;
}

function optionalString(body: JsonObject, field: string): string | null {
  return isAbsent(body[field]) ? null : requireString(body[field], field);
}
