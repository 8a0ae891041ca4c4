// Channel type → wire-format adapter. Adding a provider = adding its folder and one line here.
import { openAiAdapter } from './openai/openai-adapter';
import type { ProviderAdapter } from './provider-adapter';

const ADAPTERS = {
  openai: openAiAdapter,
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
