// Gemini's generateContent wire shapes, as far as the gateway reads or writes them (camelCase, as
// the REST API and @google/genai send them). The SDK's own types (node_modules/@google/genai) are the
// reference for the field names; this is the subset the codec needs.
import type { JsonObject } from '../json/json-object';

export interface GeminiFunctionCall {
  /** Newer models send one; most do not, so the codec synthesizes ids when it is absent. */
  id?: string;
  name: string;
  /** An object, never JSON text (unlike OpenAI's `arguments`). */
  args?: JsonObject;
}

export interface GeminiFunctionResponse {
  id?: string;
  name: string;
  /** `{output: …}` or `{error: …}` by Google's convention; any object is accepted. */
  response: JsonObject;
  /** Images or files the function returned (multimodal function responses). */
  parts?: Array<{ inlineData?: GeminiBlob; fileData?: GeminiFileData }>;
}

export interface GeminiBlob {
  mimeType: string;
  /** Base64. */
  data: string;
}

export interface GeminiFileData {
  fileUri: string;
  mimeType?: string;
}

export interface GeminiPart {
  text?: string;
  /** True on a part that is the model's reasoning (only sent with `includeThoughts`). */
  thought?: boolean;
  /** Opaque; must go back unchanged on the same part in the next turn (Gemini 3 insists for calls). */
  thoughtSignature?: string;
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
}

export interface GeminiContent {
  role?: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiUsageMetadata {
  /** Every prompt token, cached ones included. */
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  /** Output tokens, reasoning excluded. */
  candidatesTokenCount?: number;
  /** Reasoning tokens, reported apart from candidatesTokenCount. */
  thoughtsTokenCount?: number;
  /** Input tokens of tool results the model fetched itself (search, code execution): input too. */
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
}

export interface GeminiCandidate {
  content?: Partial<GeminiContent>;
  finishReason?: string;
  finishMessage?: string;
  index?: number;
}

export interface GeminiGenerateContentResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}
