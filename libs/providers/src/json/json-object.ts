// Request and response bodies arrive as parsed JSON of unknown shape; this is the one guard the lib
// uses before reading fields, so a stray array or null never becomes a TypeError.

/** A parsed JSON object whose fields are not known yet. */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `text` parsed as JSON, or undefined when it is not JSON (an upstream's body or event is untrusted). */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
