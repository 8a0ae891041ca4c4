// The `messages` of a chat completions request: roles, content (string, parts or null) and tool
// calls are checked; any other field of a message or a part is kept as the client sent it.
import {
  childPath,
  invalidType,
  isAbsent,
  missing,
  requireArray,
  requireObject,
  requireOneOf,
  requireString,
} from '../validation/field-checks';

export const CHAT_ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

export interface ChatContentPart {
  type: string;
  text?: string;
  [field: string]: unknown;
}

export interface ChatToolCall {
  id: string;
  type?: string;
  function?: { name: string; arguments: string; [field: string]: unknown };
  [field: string]: unknown;
}

export interface ChatMessage {
  role: ChatRole;
  content?: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  [field: string]: unknown;
}

const CONTENT_TYPES = 'a string or an array of content parts';

/** Checks `messages` (a non-empty array) and returns it typed; throws RequestValidationError. */
export function validateMessages(value: unknown, path = 'messages'): ChatMessage[] {
  const messages = requireArray(value, path, { nonEmpty: true });
  messages.forEach((message, index) => validateMessage(message, childPath(path, index)));
  return messages as ChatMessage[];
}

function validateMessage(value: unknown, path: string): void {
  const message = requireObject(value, path);
  const role = requireOneOf(message['role'], childPath(path, 'role'), CHAT_ROLES);
  if (!isAbsent(message['name'])) requireString(message['name'], childPath(path, 'name'));
  const hasToolCalls = role === 'assistant' && !isAbsent(message['tool_calls']);
  if (hasToolCalls) validateToolCalls(message['tool_calls'], childPath(path, 'tool_calls'));
  if (role === 'tool') {
    requireString(message['tool_call_id'], childPath(path, 'tool_call_id'), { nonEmpty: true });
  }
  if (role === 'function') requireString(message['name'], childPath(path, 'name'), { nonEmpty: true });

  // An assistant turn that only called tools (or, in older clients, a function, or returned audio)
  // has no text; every other message needs content.
  const contentMayBeNull =
    role === 'function' ||
    (role === 'assistant' &&
      (hasToolCalls || !isAbsent(message['function_call']) || !isAbsent(message['audio'])));
  const contentPath = childPath(path, 'content');
  const content = message['content'];
  if (isAbsent(content)) {
    if (contentMayBeNull) return;
    if (content === undefined) throw missing(contentPath);
    throw invalidType(contentPath, CONTENT_TYPES, content);
  }
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) {
    throw invalidType(contentPath, contentMayBeNull ? `${CONTENT_TYPES} or null` : CONTENT_TYPES, content);
  }
  requireArray(content, contentPath, { nonEmpty: true });
  content.forEach((part, index) => validateContentPart(part, childPath(contentPath, index)));
}

function validateContentPart(value: unknown, path: string): void {
  const part = requireObject(value, path);
  const type = requireString(part['type'], childPath(path, 'type'), { nonEmpty: true });
  // The shapes OpenAI defines are checked; other part types (vendors' video, documents…) pass through.
  switch (type) {
    case 'text':
      requireString(part['text'], childPath(path, 'text'));
      return;
    case 'refusal':
      requireString(part['refusal'], childPath(path, 'refusal'));
      return;
    case 'image_url': {
      const imagePath = childPath(path, 'image_url');
      const image = requireObject(part['image_url'], imagePath);
      requireString(image['url'], childPath(imagePath, 'url'), { nonEmpty: true });
      return;
    }
    case 'input_audio': {
      const audioPath = childPath(path, 'input_audio');
      const audio = requireObject(part['input_audio'], audioPath);
      requireString(audio['data'], childPath(audioPath, 'data'));
      requireString(audio['format'], childPath(audioPath, 'format'), { nonEmpty: true });
      return;
    }
    case 'file':
      requireObject(part['file'], childPath(path, 'file'));
      return;
  }
}

function validateToolCalls(value: unknown, path: string): void {
  const calls = requireArray(value, path);
  calls.forEach((value, index) => {
    const callPath = childPath(path, index);
    const call = requireObject(value, callPath);
    requireString(call['id'], childPath(callPath, 'id'), { nonEmpty: true });
    const type = isAbsent(call['type'])
      ? 'function'
      : requireString(call['type'], childPath(callPath, 'type'));
    if (type !== 'function') return; // custom tools carry their own shape
    const fnPath = childPath(callPath, 'function');
    const fn = requireObject(call['function'], fnPath);
    requireString(fn['name'], childPath(fnPath, 'name'), { nonEmpty: true });
    requireString(fn['arguments'], childPath(fnPath, 'arguments'));
  });
}
