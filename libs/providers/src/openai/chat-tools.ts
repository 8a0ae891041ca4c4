// `tools`, `tool_choice` and `response_format` of a chat completions request: the shapes OpenAI
// defines are checked; tool types and format types it doesn't define pass through for vendors.
import type { JsonObject } from '../json/json-object';
import {
  childPath,
  isAbsent,
  requireArray,
  requireBoolean,
  requireObject,
  requireOneOf,
  requireString,
} from '../validation/field-checks';

export interface FunctionDefinition {
  name: string;
  description?: string;
  parameters?: JsonObject;
  [field: string]: unknown;
}

export interface ChatTool {
  type: string;
  function?: FunctionDefinition;
  [field: string]: unknown;
}

export type ChatToolChoice = 'none' | 'auto' | 'required' | { type: string; [field: string]: unknown };

export interface ResponseFormat {
  type: string;
  json_schema?: { name: string; schema?: JsonObject; [field: string]: unknown };
  [field: string]: unknown;
}

const TOOL_CHOICE_MODES = ['none', 'auto', 'required'] as const;

export function validateTools(value: unknown, path = 'tools'): ChatTool[] {
  const tools = requireArray(value, path);
  tools.forEach((value, index) => {
    const toolPath = childPath(path, index);
    const tool = requireObject(value, toolPath);
    const type = requireString(tool['type'], childPath(toolPath, 'type'), { nonEmpty: true });
    if (type === 'function') validateFunction(tool['function'], childPath(toolPath, 'function'));
  });
  return tools as ChatTool[];
}

function validateFunction(value: unknown, path: string): void {
  const fn = requireObject(value, path);
  requireString(fn['name'], childPath(path, 'name'), { nonEmpty: true });
  if (!isAbsent(fn['description'])) requireString(fn['description'], childPath(path, 'description'));
  if (!isAbsent(fn['parameters'])) requireObject(fn['parameters'], childPath(path, 'parameters'));
  if (!isAbsent(fn['strict'])) requireBoolean(fn['strict'], childPath(path, 'strict'));
}

export function validateToolChoice(value: unknown, path = 'tool_choice'): ChatToolChoice {
  if (typeof value === 'string') return requireOneOf(value, path, TOOL_CHOICE_MODES);
  const choice = requireObject(value, path, 'a string or an object');
  const type = requireString(choice['type'], childPath(path, 'type'), { nonEmpty: true });
  if (type === 'function') {
    const fnPath = childPath(path, 'function');
    requireString(requireObject(choice['function'], fnPath)['name'], childPath(fnPath, 'name'), {
      nonEmpty: true,
    });
  }
  return choice as ChatToolChoice;
}

export function validateResponseFormat(value: unknown, path = 'response_format'): ResponseFormat {
  const format = requireObject(value, path);
  const type = requireString(format['type'], childPath(path, 'type'), { nonEmpty: true });
  if (type === 'json_schema') {
    const schemaPath = childPath(path, 'json_schema');
    const jsonSchema = requireObject(format['json_schema'], schemaPath);
    requireString(jsonSchema['name'], childPath(schemaPath, 'name'), { nonEmpty: true });
    if (!isAbsent(jsonSchema['schema'])) requireObject(jsonSchema['schema'], childPath(schemaPath, 'schema'));
    if (!isAbsent(jsonSchema['strict']))
      requireBoolean(jsonSchema['strict'], childPath(schemaPath, 'strict'));
  }
  return format as ResponseFormat;
}
