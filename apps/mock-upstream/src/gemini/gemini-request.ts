import { isJsonObject, type JsonObject } from '../request-fields';
import { geminiError } from './gemini-format';
import type { HttpError } from '../http-error';

// Google's validation messages name the request field: `* GenerateContentRequest.contents: …`.

export function geminiInvalid(field: string, problem: string): HttpError {
  return geminiError(400, `* GenerateContentRequest.${field}: ${problem}\n`);
}

export function geminiContents(body: JsonObject): unknown[] {
  const contents = body['contents'];
  if (contents === undefined || (Array.isArray(contents) && contents.length === 0)) {
    throw geminiInvalid('contents', 'contents is not specified');
  }
  if (!Array.isArray(contents)) throw geminiInvalid('contents', 'must be a list');
  contents.forEach((content, index) => {
    const field = `contents[${index}]`;
    if (!isJsonObject(content)) throw geminiInvalid(field, 'must be an object');
    const role = content['role'];
    if (role !== undefined && role !== 'user' && role !== 'model' && role !== 'function') {
      throw geminiInvalid(`${field}.role`, "must be 'user' or 'model'");
    }
    const parts = content['parts'];
    if (!Array.isArray(parts) || parts.length === 0) {
      throw geminiInvalid(`${field}.parts`, 'contents.parts must not be empty.');
    }
  });
  return contents;
}

function generationConfig(body: JsonObject): JsonObject {
  const config = body['generationConfig'];
  if (config === undefined || config === null) return {};
  if (!isJsonObject(config)) throw geminiInvalid('generation_config', 'must be an object');
  return config;
}

export function maxOutputTokens(body: JsonObject): number | undefined {
  const max = generationConfig(body)['maxOutputTokens'];
  if (max === undefined || max === null) return undefined;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
    throw geminiInvalid('generation_config.max_output_tokens', 'must be a positive integer');
  }
  return max;
}

/** Whether `generationConfig.thinkingConfig.includeThoughts` asks for thought parts. */
export function includeThoughts(body: JsonObject): boolean {
  const thinking = generationConfig(body)['thinkingConfig'];
  return isJsonObject(thinking) && thinking['includeThoughts'] === true;
}

/** The first function declared in `tools`, or undefined when there is none. */
export function firstFunctionName(body: JsonObject): string | undefined {
  const tools = body['tools'];
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw geminiInvalid('tools', 'must be a list');
  for (const tool of tools) {
    const declarations = isJsonObject(tool) ? tool['functionDeclarations'] : undefined;
    if (!Array.isArray(declarations) || declarations.length === 0) continue;
    const first: unknown = declarations[0];
    const name = isJsonObject(first) ? first['name'] : undefined;
    if (typeof name !== 'string' || name === '') {
      throw geminiInvalid('tools[0].function_declarations[0].name', 'Name cannot be empty.');
    }
    return name;
  }
  return undefined;
}
