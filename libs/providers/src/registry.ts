// Channel type → wire-format adapter. Adding a provider = adding its folder and one line here.
import { anthropicCodec } from './anthropic/anthropic-codec';
import { classifyAnthropicError } from './anthropic/error';
import { azureOpenAiAdapter } from './azure-openai/azure-adapter';
import { classifyUpstreamError, type UpstreamErrorClassifier } from './errors/classify-upstream-error';
import { classifyGeminiError } from './gemini/error';
import { geminiCodec } from './gemini/gemini-codec';
import { openAiAdapter } from './openai/openai-adapter';
import type { ProviderAdapter } from './provider-adapter';
import { chatTranslatingAdapter } from './translation/chat-translating-adapter';

const ADAPTERS = {
  openai: openAiAdapter,
  'azure-openai': azureOpenAiAdapter,
  anthropic: chatTranslatingAdapter(anthropicCodec, classifyAnthropicError),
  gemini: chatTranslatingAdapter(geminiCodec, classifyGeminiError),
} as const satisfies Record<string, ProviderAdapter>;

export type ProviderType = keyof typeof ADAPTERS;
export const PROVIDER_TYPES = Object.keys(ADAPTERS) as ProviderType[];

export function isProviderType(type: string): type is ProviderType {
  return Object.hasOwn(ADAPTERS, type);
}

/** The adapter for a channel type; undefined for a type no adapter speaks yet. */
export function adapterFor(type: string): ProviderAdapter | undefined {
  return isProviderType(type) ? ADAPTERS[type] : undefined;
}

/**
 * How to read a channel type's error answers: its adapter's classifier, else the shared default (the
 * probes also check channel types that no adapter speaks yet).
 */
export function errorClassifierFor(type: string): UpstreamErrorClassifier {
  return adapterFor(type)?.classifyError ?? classifyUpstreamError;
}
