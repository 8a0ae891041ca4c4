// Which field carries the output ceiling to an OpenAI-format upstream. OpenAI's reasoning models
// refuse `max_tokens`; many OpenAI-compatible servers know only `max_tokens`. The upstream model
// (after the channel's mapping) decides by its name, unless the channel says: an Azure deployment is
// named by the operator ("prod-reasoning"), so its name says nothing about the model behind it.
import type { UpstreamTarget } from '../canonical/canonical-model';

export const OUTPUT_TOKENS_FIELDS = ['max_tokens', 'max_completion_tokens'] as const;
export type OutputTokensField = (typeof OUTPUT_TOKENS_FIELDS)[number];

/** OpenAI's reasoning models: o1, o3, o4-mini, gpt-5…, and their fine-tunes (`ft:o4-mini-…`). */
const COMPLETION_TOKENS_MODELS = /^(?:ft:)?(?:o\d|gpt-5)/i;

/** The channel's `settings.maxTokensField`, or undefined when it set none (or something else). */
export function configuredOutputTokensField(
  settings: UpstreamTarget['settings'],
): OutputTokensField | undefined {
  const configured = settings['maxTokensField'];
  return (OUTPUT_TOKENS_FIELDS as readonly unknown[]).includes(configured)
    ? (configured as OutputTokensField)
    : undefined;
}

/** The channel's setting when it has one, else `max_completion_tokens` for reasoning model names. */
export function outputTokensField(
  upstreamModel: string,
  settings: UpstreamTarget['settings'],
): OutputTokensField {
  return (
    configuredOutputTokensField(settings) ??
    (COMPLETION_TOKENS_MODELS.test(upstreamModel) ? 'max_completion_tokens' : 'max_tokens')
  );
}
