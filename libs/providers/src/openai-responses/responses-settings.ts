// The request's settings a Responses API `response` object repeats: OpenAI echoes what the client
// sent and its defaults for what it did not, in the answer and in every `response.*` event's
// response, and clients (the Agents SDK, Codex) read them there. Taken from the client's body as
// sent, since the canonical request keeps only what an upstream needs.
import { isJsonObject, type JsonObject } from '../json/json-object';
import {
  childPath,
  isAbsent,
  requireBoolean,
  requireInteger,
  requireObject,
  requireOneOf,
  requireString,
} from '../validation/field-checks';

const TRUNCATIONS = ['auto', 'disabled'] as const;
const VERBOSITIES = ['low', 'medium', 'high'] as const;

function given<T>(value: unknown, read: (value: unknown) => T, otherwise: T): T {
  return isAbsent(value) ? otherwise : read(value);
}

/** A function tool as OpenAI repeats it: every field present. The parser has validated the tools. */
function echoedTool(tool: unknown): JsonObject {
  const fields = isJsonObject(tool) ? tool : {};
  return {
    type: 'function',
    name: fields['name'],
    description: fields['description'] ?? null,
    parameters: fields['parameters'] ?? { type: 'object', properties: {} },
    // OpenAI's own default is strict; a translated request is not made strict, so none is claimed.
    strict: fields['strict'] ?? null,
  };
}

/**
 * The settings to echo, validated where the parser does not read them (naming the field, as OpenAI
 * does). The gateway keeps no responses: `store` is always false and there is no previous response.
 */
export function responseSettings(body: JsonObject): JsonObject {
  const text = given(body['text'], (value) => requireObject(value, 'text'), {});
  const reasoning = given(body['reasoning'], (value) => requireObject(value, 'reasoning'), {});
  const metadata = given(
    body['metadata'],
    (value) => {
      const object = requireObject(value, 'metadata');
      for (const [key, item] of Object.entries(object)) requireString(item, childPath('metadata', key));
      return object;
    },
    {},
  );
  if (!isAbsent(body['store'])) requireBoolean(body['store'], 'store');
  return {
    background: false,
    instructions: body['instructions'] ?? null,
    max_output_tokens: body['max_output_tokens'] ?? null,
    max_tool_calls: given(
      body['max_tool_calls'],
      (value) => requireInteger(value, 'max_tool_calls', { min: 1 }),
      null,
    ),
    metadata,
    parallel_tool_calls: body['parallel_tool_calls'] ?? true,
    previous_response_id: null,
    prompt_cache_key: given(
      body['prompt_cache_key'],
      (value) => requireString(value, 'prompt_cache_key'),
      null,
    ),
    reasoning: {
      effort: reasoning['effort'] ?? null,
      summary: reasoning['summary'] ?? null,
    },
    safety_identifier: body['safety_identifier'] ?? null,
    store: false,
    temperature: body['temperature'] ?? 1,
    text: {
      format: text['format'] ?? { type: 'text' },
      verbosity: given(
        text['verbosity'],
        (value) => requireOneOf(value, 'text.verbosity', VERBOSITIES),
        'medium',
      ),
    },
    tool_choice: body['tool_choice'] ?? 'auto',
    tools: Array.isArray(body['tools']) ? body['tools'].map(echoedTool) : [],
    top_logprobs: given(
      body['top_logprobs'],
      (value) => requireInteger(value, 'top_logprobs', { min: 0, max: 20 }),
      0,
    ),
    top_p: body['top_p'] ?? 1,
    truncation: given(
      body['truncation'],
      (value) => requireOneOf(value, 'truncation', TRUNCATIONS),
      'disabled',
    ),
    user: body['user'] ?? null,
  };
}
