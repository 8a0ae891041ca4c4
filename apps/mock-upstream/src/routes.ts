import type { IncomingHttpHeaders } from 'node:http';
import { anthropicCountTokens, anthropicMessages } from './anthropic/anthropic-messages';
import { ANTHROPIC_FORMAT } from './anthropic/anthropic-format';
import { listAnthropicModels, retrieveAnthropicModel } from './anthropic/anthropic-models';
import { azureChatCompletions, azureEmbeddings } from './azure/azure-chat-completions';
import { chatCompletions } from './chat-completions';
import { embeddings } from './embeddings';
import { GEMINI_FORMAT } from './gemini/gemini-format';
import { generateContent } from './gemini/gemini-generate-content';
import { geminiCountTokens, listGeminiModels } from './gemini/gemini-models';
import { legacyCompletions } from './legacy-completions';
import { speech, transcriptions, translations } from './media/audio';
import { imagesEdits, imagesGenerations } from './media/images';
import { moderations } from './media/moderations';
import { rerank } from './media/rerank';
import type { Endpoint } from './mock-response';
import { listModels, retrieveModel } from './models';
import { AZURE_OPENAI_FORMAT, OPENAI_FORMAT } from './openai-format';
import type { WireFormat } from './wire-format';

export interface Route {
  endpoint: Endpoint;
  /** Whether the request carries a JSON body to read and parse. */
  hasBody: boolean;
  /** The body is a multipart/form-data upload (OpenAI's images/edits and audio routes). */
  multipart?: boolean;
  /** The provider format the route speaks: its auth, errors and stream framing. */
  format: WireFormat;
}

const openai = (endpoint: Endpoint, hasBody = true): Route => ({ endpoint, hasBody, format: OPENAI_FORMAT });
const anthropic = (endpoint: Endpoint, hasBody = true): Route => ({
  endpoint,
  hasBody,
  format: ANTHROPIC_FORMAT,
});
const gemini = (endpoint: Endpoint, hasBody = true): Route => ({ endpoint, hasBody, format: GEMINI_FORMAT });

const ROUTES: Readonly<Record<string, Route>> = {
  'GET /v1/models': openai(listModels, false),
  'POST /v1/chat/completions': openai(chatCompletions),
  'POST /v1/completions': openai(legacyCompletions),
  'POST /v1/embeddings': openai(embeddings),
  'POST /v1/images/generations': openai(imagesGenerations),
  'POST /v1/images/edits': { ...openai(imagesEdits), multipart: true },
  'POST /v1/audio/transcriptions': { ...openai(transcriptions), multipart: true },
  'POST /v1/audio/translations': { ...openai(translations), multipart: true },
  'POST /v1/audio/speech': openai(speech),
  'POST /v1/moderations': openai(moderations),
  'POST /v1/rerank': openai(rerank),
  'POST /v1/messages': anthropic(anthropicMessages),
  'POST /v1/messages/count_tokens': anthropic(anthropicCountTokens),
  'GET /v1beta/models': gemini(listGeminiModels, false),
};

const MODEL_PATH = /^\/v1\/models\/([^/]+)$/;
const GEMINI_METHOD_PATH =
  /^\/(?:v1|v1beta)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;
const AZURE_DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;

/**
 * The route of `method path` (path without query), or undefined for an unknown URL. `/v1/models`
 * is both OpenAI's and Anthropic's: a request with `anthropic-version` gets Anthropic's answer.
 */
export function findRoute(method: string, path: string, headers: IncomingHttpHeaders): Route | undefined {
  const isAnthropic = headers['anthropic-version'] !== undefined;
  if (isAnthropic && method === 'GET' && path === '/v1/models') return anthropic(listAnthropicModels, false);
  const route = ROUTES[`${method} ${path}`];
  if (route !== undefined) return route;
  try {
    return patternRoute(method, path, isAnthropic);
  } catch {
    return undefined; // a malformed %-escape: no such URL
  }
}

function patternRoute(method: string, path: string, isAnthropic: boolean): Route | undefined {
  if (method === 'GET') {
    const modelId = MODEL_PATH.exec(path)?.[1];
    if (modelId === undefined) return undefined;
    const id = decodeURIComponent(modelId);
    return isAnthropic ? anthropic(retrieveAnthropicModel(id), false) : openai(retrieveModel(id), false);
  }
  if (method !== 'POST') return undefined;
  const geminiMatch = GEMINI_METHOD_PATH.exec(path);
  if (geminiMatch !== null) {
    const model = decodeURIComponent(geminiMatch[1]);
    if (geminiMatch[2] === 'countTokens') return gemini(geminiCountTokens);
    return gemini(generateContent(model, geminiMatch[2] === 'streamGenerateContent'));
  }
  const azureMatch = AZURE_DEPLOYMENT_PATH.exec(path);
  if (azureMatch === null) return undefined;
  const deployment = decodeURIComponent(azureMatch[1] as string);
  return {
    endpoint: azureMatch[2] === 'embeddings' ? azureEmbeddings(deployment) : azureChatCompletions(deployment),
    hasBody: true,
    format: AZURE_OPENAI_FORMAT,
  };
}

/** The format to answer an unknown URL in, guessed from its prefix. */
export function formatOfPath(path: string): WireFormat {
  if (path.startsWith('/v1beta/')) return GEMINI_FORMAT;
  if (path.startsWith('/openai/')) return AZURE_OPENAI_FORMAT;
  return OPENAI_FORMAT;
}
