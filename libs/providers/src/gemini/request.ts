// A generateContent request, both ways: a @google/genai client's body → canonical (ingress, with
// validation naming the field) and canonical → the body and URL a Gemini upstream takes.
//
// Gemini has no tool call ids: a call is answered by a functionResponse of the same name. Reading a
// client's conversation, each call gets its own id (or `call_<content>_<part>`) and each response
// the id of the earliest unanswered call of its name; writing one, a tool result names its function
// (`ToolResult.name`, else the name of the call it answers).
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
  requireNumberIn,
  requireObject,
  requireOneOf,
  requireString,
} from '../validation/field-checks';
import { RequestValidationError } from '../validation/request-validation-error';
import type { GeminiContent, GeminiPart } from './gemini-wire';
import { argumentsObject, CanonicalPartsBuilder, toGeminiParts } from './parts';

// ---------------------------------------------------------------------------------------------
// Ingress: a Gemini client's body → canonical

const optional = <T>(body: JsonObject, key: string, read: (value: unknown) => T): T | null =>
  isAbsent(body[key]) ? null : read(body[key]);

/** `models/gemini-2.5-flash` and `gemini-2.5-flash` name the same model. */
export function bareModelName(model: string): string {
  return model.replace(/^models\//, '');
}

interface Draft {
  role: CanonicalMessage['role'];
  builder: CanonicalPartsBuilder;
}

interface PendingCall {
  id: string;
  name: string;
  answered: boolean;
}

/**
 * Gemini's `parameters` is an OpenAPI-style schema (`"type": "OBJECT"`, `nullable`); canonical
 * tools carry JSON Schema. `parametersJsonSchema` is JSON Schema already.
 */
export function jsonSchemaOf(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchemaOf);
  if (!isJsonObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable') continue;
    if (key === 'type' && typeof value === 'string') out[key] = value.toLowerCase();
    else if (key === 'properties' && isJsonObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, jsonSchemaOf(sub)]));
    } else if (key === 'items' || key === 'anyOf' || key === 'prefixItems') out[key] = jsonSchemaOf(value);
    else out[key] = value;
  }
  if (schema['nullable'] === true && typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
  return out;
}

function readBlob(value: unknown, path: string): CanonicalImage {
  const blob = requireObject(value, path);
  const mediaType = requireString(blob['mimeType'], childPath(path, 'mimeType'), { nonEmpty: true });
  const data = requireString(blob['data'], childPath(path, 'data'), { nonEmpty: true });
  return { type: 'image', source: { kind: 'base64', mediaType, data } };
}

function readFileData(value: unknown, path: string): CanonicalImage {
  const file = requireObject(value, path);
  const url = requireString(file['fileUri'], childPath(path, 'fileUri'), { nonEmpty: true });
  if (!isAbsent(file['mimeType'])) requireString(file['mimeType'], childPath(path, 'mimeType'));
  return { type: 'image', source: { kind: 'url', url } };
}

/** A functionResponse's `response` as tool output text: `{output: "x"}` is just `x` (exact back). */
function responseText(response: JsonObject): { text: string; isError: boolean } {
  const keys = Object.keys(response);
  const only = keys.length === 1 ? keys[0] : undefined;
  const value = only === undefined ? undefined : response[only];
  if ((only === 'output' || only === 'error') && typeof value === 'string' && parsedObject(value) === null) {
    return { text: value, isError: only === 'error' };
  }
  return { text: JSON.stringify(response), isError: false };
}

function parsedObject(text: string): JsonObject | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return isJsonObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

const DATA_PARTS = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse'] as const;
/** Parts only Gemini's own tools make; a request keeps them for Gemini, other formats never see them. */
const GEMINI_ONLY_PARTS = ['executableCode', 'codeExecutionResult'];

/** Appends one content's messages: a model turn is one assistant message, a user turn splits around its function responses. */
function readContent(value: unknown, index: number, calls: PendingCall[], drafts: Draft[]): void {
  const path = childPath('contents', index);
  const content = requireObject(value, path);
  const role = isAbsent(content['role'])
    ? 'user'
    : requireOneOf(content['role'], childPath(path, 'role'), ['user', 'model']);
  const partsPath = childPath(path, 'parts');
  const parts = requireArray(content['parts'], partsPath, { nonEmpty: true });
  // Consecutive turns of one role (a chat's streamed history: one content per chunk) are one message.
  const into = (messageRole: CanonicalMessage['role']): CanonicalPartsBuilder => {
    const last = drafts.at(-1);
    if (last?.role === messageRole) return last.builder;
    const draft = { role: messageRole, builder: new CanonicalPartsBuilder() };
    drafts.push(draft);
    return draft.builder;
  };
  const assistantOrUser = role === 'model' ? 'assistant' : 'user';
  parts.forEach((raw, partIndex) => {
    const partPath = childPath(partsPath, partIndex);
    const part = requireObject(raw, partPath);
    const signaturePath = childPath(partPath, 'thoughtSignature');
    const signature = isAbsent(part['thoughtSignature'])
      ? undefined
      : requireString(part['thoughtSignature'], signaturePath);
    const kind = DATA_PARTS.find((key) => !isAbsent(part[key]));
    switch (kind) {
      case 'text': {
        const text = requireString(part['text'], childPath(partPath, 'text'));
        if (!isAbsent(part['thought']) && requireBoolean(part['thought'], childPath(partPath, 'thought'))) {
          into(assistantOrUser).thought(text, signature);
        } else into(assistantOrUser).text(text, signature);
        return;
      }
      case 'inlineData':
      case 'fileData': {
        const image =
          kind === 'inlineData'
            ? readBlob(part[kind], childPath(partPath, kind))
            : readFileData(part[kind], childPath(partPath, kind));
        const builder = into(assistantOrUser);
        builder.signature(signature);
        builder.push(image);
        return;
      }
      case 'functionCall': {
        const callPath = childPath(partPath, 'functionCall');
        if (role !== 'model') {
          throw new RequestValidationError(
            callPath,
            `Invalid '${callPath}': a functionCall belongs to a 'model' turn.`,
          );
        }
        const call = requireObject(part['functionCall'], callPath);
        const name = requireString(call['name'], childPath(callPath, 'name'), { nonEmpty: true });
        const args = isAbsent(call['args']) ? {} : requireObject(call['args'], childPath(callPath, 'args'));
        const id = isAbsent(call['id'])
          ? `call_${index}_${partIndex}`
          : requireString(call['id'], childPath(callPath, 'id'), { nonEmpty: true });
        calls.push({ id, name, answered: false });
        into('assistant').toolCall(
          { type: 'tool_call', id, name, arguments: JSON.stringify(args) },
          signature,
        );
        return;
      }
      case 'functionResponse': {
        const responsePath = childPath(partPath, 'functionResponse');
        if (role === 'model') {
          throw new RequestValidationError(
            responsePath,
            `Invalid '${responsePath}': a functionResponse belongs to a 'user' turn.`,
          );
        }
        into('tool').push(
          readFunctionResponse(part['functionResponse'], responsePath, calls, `call_${index}_${partIndex}`),
        );
        return;
      }
      default:
        if (GEMINI_ONLY_PARTS.some((key) => !isAbsent(part[key]))) return;
        if (signature !== undefined) {
          into(assistantOrUser).signature(signature);
          return;
        }
        throw new RequestValidationError(
          partPath,
          `Invalid '${partPath}': expected a part with one of ${DATA_PARTS.map((key) => `'${key}'`).join(', ')}.`,
        );
    }
  });
}

function readFunctionResponse(
  value: unknown,
  path: string,
  calls: PendingCall[],
  fallbackId: string,
): CanonicalToolResult {
  const answer = requireObject(value, path);
  const name = requireString(answer['name'], childPath(path, 'name'), { nonEmpty: true });
  const response = requireObject(answer['response'], childPath(path, 'response'));
  const id = isAbsent(answer['id']) ? null : requireString(answer['id'], childPath(path, 'id'));
  const call =
    calls.find((pending) => !pending.answered && id !== null && pending.id === id) ??
    calls.find((pending) => !pending.answered && pending.name === name);
  if (call !== undefined) call.answered = true;
  const { text, isError } = responseText(response);
  const content: CanonicalToolResult['content'] = [{ type: 'text', text }];
  if (!isAbsent(answer['parts'])) {
    const partsPath = childPath(path, 'parts');
    requireArray(answer['parts'], partsPath).forEach((raw, index) => {
      const partPath = childPath(partsPath, index);
      const part = requireObject(raw, partPath);
      if (!isAbsent(part['inlineData']))
        content.push(readBlob(part['inlineData'], childPath(partPath, 'inlineData')));
      else if (!isAbsent(part['fileData']))
        content.push(readFileData(part['fileData'], childPath(partPath, 'fileData')));
    });
  }
  const result: CanonicalToolResult = {
    type: 'tool_result',
    toolCallId: call?.id ?? id ?? fallbackId,
    name,
    content,
  };
  if (isError) result.isError = true;
  return result;
}

function readSystem(value: unknown): CanonicalText[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  const system = requireObject(value, 'systemInstruction');
  const parts = requireArray(system['parts'], 'systemInstruction.parts');
  return parts.map((raw, index) => {
    const path = childPath('systemInstruction.parts', index);
    const part = requireObject(raw, path);
    return { type: 'text', text: requireString(part['text'], childPath(path, 'text')) };
  });
}

/** Function declarations only: Gemini's built-in tools (search, code execution) have no canonical form. */
function readTools(value: unknown): CanonicalTool[] {
  const tools: CanonicalTool[] = [];
  requireArray(value, 'tools').forEach((raw, index) => {
    const path = childPath('tools', index);
    const tool = requireObject(raw, path);
    if (isAbsent(tool['functionDeclarations'])) return;
    const declarationsPath = childPath(path, 'functionDeclarations');
    requireArray(tool['functionDeclarations'], declarationsPath).forEach(
      (rawDeclaration, declarationIndex) => {
        const declarationPath = childPath(declarationsPath, declarationIndex);
        const declaration = requireObject(rawDeclaration, declarationPath);
        const name = requireString(declaration['name'], childPath(declarationPath, 'name'), {
          nonEmpty: true,
        });
        const canonical: CanonicalTool = { name, parameters: { type: 'object', properties: {} } };
        if (!isAbsent(declaration['description'])) {
          canonical.description = requireString(
            declaration['description'],
            childPath(declarationPath, 'description'),
          );
        }
        if (!isAbsent(declaration['parametersJsonSchema'])) {
          canonical.parameters = requireObject(
            declaration['parametersJsonSchema'],
            childPath(declarationPath, 'parametersJsonSchema'),
          );
        } else if (!isAbsent(declaration['parameters'])) {
          requireObject(declaration['parameters'], childPath(declarationPath, 'parameters'));
          canonical.parameters = jsonSchemaOf(declaration['parameters']) as JsonObject;
        }
        tools.push(canonical);
      },
    );
  });
  return tools;
}

const MODES = ['AUTO', 'ANY', 'NONE', 'VALIDATED', 'MODE_UNSPECIFIED'] as const;

/**
 * ANY with one allowed name is that function; ANY with several is `required` over those functions
 * only (the others are left out of `tools`, which is what Gemini's allow-list means).
 */
function readToolChoice(
  value: unknown,
  tools: CanonicalTool[],
): { choice: CanonicalToolChoice | null; tools: CanonicalTool[] } {
  const config = requireObject(value, 'toolConfig');
  if (isAbsent(config['functionCallingConfig'])) return { choice: null, tools };
  const path = 'toolConfig.functionCallingConfig';
  const calling = requireObject(config['functionCallingConfig'], path);
  const mode = isAbsent(calling['mode'])
    ? 'AUTO'
    : requireOneOf(calling['mode'], childPath(path, 'mode'), MODES);
  const namesPath = childPath(path, 'allowedFunctionNames');
  const allowed = isAbsent(calling['allowedFunctionNames'])
    ? []
    : requireArray(calling['allowedFunctionNames'], namesPath).map((name, index) =>
        requireString(name, childPath(namesPath, index)),
      );
  if (mode === 'NONE') return { choice: 'none', tools };
  if (mode !== 'ANY') return { choice: 'auto', tools };
  if (allowed.length === 1) return { choice: { name: allowed[0] }, tools };
  if (allowed.length === 0) return { choice: 'required', tools };
  return { choice: 'required', tools: tools.filter((tool) => allowed.includes(tool.name)) };
}

const LEVELS = ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'] as const;

function readThinking(value: unknown): CanonicalReasoning | null {
  const path = 'generationConfig.thinkingConfig';
  const config = requireObject(value, path);
  const reasoning: CanonicalReasoning = {};
  if (!isAbsent(config['thinkingBudget'])) {
    // -1 is Gemini's "as much as the model decides": no budget.
    const budget = requireInteger(config['thinkingBudget'], childPath(path, 'thinkingBudget'), { min: -1 });
    if (budget >= 0) reasoning.budgetTokens = budget;
  }
  if (!isAbsent(config['includeThoughts'])) {
    reasoning.includeThoughts = requireBoolean(config['includeThoughts'], childPath(path, 'includeThoughts'));
  }
  if (!isAbsent(config['thinkingLevel'])) {
    const levelPath = childPath(path, 'thinkingLevel');
    const level = requireString(config['thinkingLevel'], levelPath).toUpperCase();
    if (level !== 'THINKING_LEVEL_UNSPECIFIED') {
      reasoning.effort = requireOneOf(level, levelPath, LEVELS).toLowerCase() as CanonicalReasoning['effort'];
    }
  }
  return Object.keys(reasoning).length === 0 ? null : reasoning;
}

function readResponseFormat(config: JsonObject): CanonicalResponseFormat | null {
  const path = 'generationConfig';
  if (isAbsent(config['responseMimeType'])) return null;
  const mimeType = requireString(config['responseMimeType'], childPath(path, 'responseMimeType'));
  if (mimeType === 'text/plain') return { type: 'text' };
  if (mimeType !== 'application/json') return null;
  if (!isAbsent(config['responseJsonSchema'])) {
    const schema = requireObject(config['responseJsonSchema'], childPath(path, 'responseJsonSchema'));
    return { type: 'json_schema', name: 'response', schema };
  }
  if (!isAbsent(config['responseSchema'])) {
    requireObject(config['responseSchema'], childPath(path, 'responseSchema'));
    return {
      type: 'json_schema',
      name: 'response',
      schema: jsonSchemaOf(config['responseSchema']) as JsonObject,
    };
  }
  return { type: 'json_object' };
}

/**
 * The client's generateContent body → canonical. The model and streaming are not in a Gemini body:
 * the route reads them from the URL (`/v1beta/models/{model}:generateContent` or
 * `:streamGenerateContent`) and passes them here. Gemini-only features the canonical model has no
 * place for (built-in tools, safetySettings, cachedContent, code execution parts) are not refused,
 * so a Gemini-to-Gemini pass-through keeps them; they do not reach other formats. candidateCount
 * above 1 is refused: the gateway holds money for one answer.
 */
export function parseGeminiRequest(body: unknown, model: string, stream: boolean): CanonicalRequest {
  const request = requireObject(body, '', 'a JSON object');
  const modelName = bareModelName(requireString(model, 'model', { nonEmpty: true }));
  if (modelName === '') throw new RequestValidationError('model', `Invalid 'model': empty model name.`);
  const contents = requireArray(request['contents'], 'contents', { nonEmpty: true });
  const calls: PendingCall[] = [];
  const drafts: Draft[] = [];
  contents.forEach((content, index) => readContent(content, index, calls, drafts));
  const messages = drafts.map(({ role, builder }): CanonicalMessage => ({ role, content: builder.parts }));

  let tools = optional(request, 'tools', readTools) ?? [];
  let toolChoice: CanonicalToolChoice | null = null;
  if (!isAbsent(request['toolConfig']))
    ({ choice: toolChoice, tools } = readToolChoice(request['toolConfig'], tools));

  const config = isAbsent(request['generationConfig'])
    ? {}
    : requireObject(request['generationConfig'], 'generationConfig');
  const field = (key: string) => childPath('generationConfig', key);
  // Google's ranges: a value outside them would reach another format's upstream under that format's name.
  const number = (key: string, max: number) =>
    isAbsent(config[key]) ? null : requireNumberIn(config[key], field(key), { min: 0, max });
  if (!isAbsent(config['candidateCount']))
    requireInteger(config['candidateCount'], field('candidateCount'), { min: 1, max: 1 });
  const stopPath = field('stopSequences');
  return {
    model: modelName,
    system: optional(request, 'systemInstruction', readSystem) ?? [],
    messages,
    tools,
    toolChoice,
    parallelToolCalls: null,
    maxOutputTokens: isAbsent(config['maxOutputTokens'])
      ? null
      : requireInteger(config['maxOutputTokens'], field('maxOutputTokens'), {
          min: 1,
          max: MAX_OUTPUT_TOKENS,
        }),
    temperature: number('temperature', 2),
    topP: number('topP', 1),
    topK: isAbsent(config['topK']) ? null : requireInteger(config['topK'], field('topK'), { min: 1 }),
    stop: isAbsent(config['stopSequences'])
      ? []
      : requireArray(config['stopSequences'], stopPath).map((stop, index) =>
          requireString(stop, childPath(stopPath, index)),
        ),
    seed: isAbsent(config['seed'])
      ? null
      : requireInteger(config['seed'], field('seed'), { min: -2_147_483_648, max: 2_147_483_647 }),
    responseFormat: readResponseFormat(config),
    reasoning: isAbsent(config['thinkingConfig']) ? null : readThinking(config['thinkingConfig']),
    stream,
    user: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Upstream: canonical → a Gemini request

/**
 * Budgets for an OpenAI-style effort, each inside every Gemini 2.5 model's accepted range
 * (Flash-Lite's starts at 512, Pro's ends at 32768).
 */
export const EFFORT_BUDGETS: Readonly<Record<NonNullable<CanonicalReasoning['effort']>, number>> = {
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
};

const EXTENSION_MIME_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

/** A `data:` URL is inline data; any other URL is Gemini's fileData, its type guessed from the name when it can be. */
function imagePart(image: CanonicalImage, path: string): GeminiPart {
  const { source } = image;
  if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } };
  if (source.url.startsWith('data:')) {
    const match = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
    if (match === null) {
      throw new RequestValidationError(
        path,
        `Invalid '${path}': a data URL must be base64 (data:<type>;base64,<data>).`,
      );
    }
    return { inlineData: { mimeType: match[1], data: match[2] } };
  }
  const extension = /\.([A-Za-z0-9]+)(?:[?#].*)?$/.exec(source.url)?.[1]?.toLowerCase();
  const mimeType = extension === undefined ? undefined : EXTENSION_MIME_TYPES[extension];
  return { fileData: { fileUri: source.url, ...(mimeType === undefined ? {} : { mimeType }) } };
}

/** Tool output as Gemini's `response` object: JSON object text as that object, else `{output}` / `{error}`. */
function functionResponse(result: CanonicalToolResult, name: string, path: string): GeminiPart {
  const text = result.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  const parsed = result.isError ? null : parsedObject(text);
  const response = parsed ?? (result.isError ? { error: text } : { output: text });
  const media = result.content.flatMap((part, index) =>
    part.type === 'image' ? [imagePart(part, childPath(childPath(path, 'content'), index))] : [],
  );
  return { functionResponse: { name, response, ...(media.length > 0 ? { parts: media } : {}) } };
}

function geminiContents(messages: readonly CanonicalMessage[]): GeminiContent[] {
  const callNames = new Map<string, string>();
  for (const message of messages) {
    for (const part of message.content) if (part.type === 'tool_call') callNames.set(part.id, part.name);
  }
  const contents: GeminiContent[] = [];
  messages.forEach((message, messageIndex) => {
    const messagePath = childPath('messages', messageIndex);
    const partPath = (index: number) => childPath(childPath(messagePath, 'content'), index);
    const parts = toGeminiParts(
      message.content,
      (call, index) => ({
        functionCall: {
          name: call.name,
          args: argumentsObject(call.arguments, childPath(partPath(index), 'arguments')),
        },
      }),
      (part: CanonicalPart, index) => {
        if (part.type === 'image') return [imagePart(part, childPath(partPath(index), 'source'))];
        if (part.type !== 'tool_result') return [];
        const name = part.name ?? callNames.get(part.toolCallId);
        if (name === undefined) {
          const path = childPath(partPath(index), 'name');
          throw new RequestValidationError(
            path,
            `Missing '${path}': Gemini matches a tool result to its call by function name, and no earlier tool call has the id '${part.toolCallId}'.`,
          );
        }
        return [functionResponse(part, name, partPath(index))];
      },
    );
    if (parts.length === 0) return;
    const role = message.role === 'assistant' ? 'model' : 'user';
    const last = contents.at(-1);
    // Gemini wants turns to alternate; a tool turn followed by a user turn is one user turn.
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  });
  return contents;
}

function toolConfig(choice: CanonicalToolChoice): JsonObject {
  if (typeof choice === 'object')
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
  const mode = choice === 'required' ? 'ANY' : choice === 'none' ? 'NONE' : 'AUTO';
  return { functionCallingConfig: { mode } };
}

function generationConfig(request: CanonicalRequest): JsonObject {
  const config: JsonObject = {};
  if (request.maxOutputTokens !== null) config['maxOutputTokens'] = request.maxOutputTokens;
  if (request.temperature !== null) config['temperature'] = request.temperature;
  if (request.topP !== null) config['topP'] = request.topP;
  if (request.topK !== null) config['topK'] = request.topK;
  if (request.stop.length > 0) config['stopSequences'] = request.stop;
  if (request.seed !== null) config['seed'] = request.seed;
  const format = request.responseFormat;
  if (format?.type === 'json_object') config['responseMimeType'] = 'application/json';
  if (format?.type === 'json_schema') {
    config['responseMimeType'] = 'application/json';
    config['responseJsonSchema'] = format.schema;
  }
  const reasoning = request.reasoning;
  if (reasoning !== null) {
    const thinking: JsonObject = {};
    const budget =
      reasoning.budgetTokens ??
      (reasoning.effort === undefined ? undefined : EFFORT_BUDGETS[reasoning.effort]);
    if (budget !== undefined) thinking['thinkingBudget'] = budget;
    if (reasoning.includeThoughts !== undefined) thinking['includeThoughts'] = reasoning.includeThoughts;
    if (Object.keys(thinking).length > 0) config['thinkingConfig'] = thinking;
  }
  return config;
}

/**
 * The body a Gemini upstream takes. Tools go as `parametersJsonSchema` (JSON Schema as other
 * formats wrote it; `parameters` would refuse keywords outside Google's OpenAPI subset). Not
 * carried: `user` and `parallelToolCalls` (Gemini has neither), call ids (Gemini matches by name).
 */
export function buildGeminiRequestBody(request: CanonicalRequest): JsonObject {
  const body: JsonObject = { contents: geminiContents(request.messages) };
  if (request.system.length > 0)
    body['systemInstruction'] = { parts: request.system.map((part) => ({ text: part.text })) };
  if (request.tools.length > 0) {
    body['tools'] = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.name,
          ...(tool.description === undefined ? {} : { description: tool.description }),
          parametersJsonSchema: tool.parameters,
        })),
      },
    ];
  }
  if (request.toolChoice !== null) body['toolConfig'] = toolConfig(request.toolChoice);
  const config = generationConfig(request);
  if (Object.keys(config).length > 0) body['generationConfig'] = config;
  return body;
}

/**
 * A client's body for a Gemini channel as it came, with `maxOutputTokens` set: the Google-only
 * fields the canonical model has no place for (cachedContent, safetySettings, built-in tools, ...)
 * stay, as they must for the answer to be the one asked for.
 */
export function withMaxOutputTokens(body: JsonObject, maxOutputTokens: number): JsonObject {
  const config = isJsonObject(body['generationConfig']) ? body['generationConfig'] : {};
  return { ...body, generationConfig: { ...config, maxOutputTokens } };
}

/** `https://generativelanguage.googleapis.com` (the channel's base URL, no `/v1beta`) + the method. */
export function geminiModelUrl(baseUrl: string, model: string, stream: boolean): string {
  const base = baseUrl.replace(/\/+$/, '').replace(/\/v1beta$/, '');
  const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  return `${base}/v1beta/models/${encodeURIComponent(bareModelName(model))}:${method}`;
}

/** The key travels in `x-goog-api-key`, never in the URL (which proxies and error texts repeat). */
export function buildGeminiRequest(request: CanonicalRequest, target: UpstreamTarget): UpstreamCall {
  return {
    method: 'POST',
    url: geminiModelUrl(target.baseUrl, target.upstreamModel, request.stream),
    headers: {
      'x-goog-api-key': target.apiKey,
      'content-type': 'application/json',
      accept: request.stream ? 'text/event-stream' : 'application/json',
    },
    body: buildGeminiRequestBody(request),
  };
}
