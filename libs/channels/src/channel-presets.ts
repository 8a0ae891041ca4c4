// Base URLs of well-known providers, offered by the dashboard when an operator adds a channel, with
// the caps of their free tiers as the providers published them, so a new free-tier key is throttled
// before the upstream has to say no. The caps are copied into a key (`rpm`…, `modelLimits`) where the
// operator edits them; providers change them, hence the date they were taken and the source.
import type { ChannelType } from './entities/channel.entity';
import type { ModelLimits } from './entities/channel-key.entity';

/** A provider's published free-tier caps. */
export interface FreeTierCaps {
  /** When the figures were read from `source` (YYYY-MM-DD). */
  takenOn: string;
  source: string;
  /** Caps on the whole key (account), every model together. */
  keyLimits?: ModelLimits;
  /** Caps per model on one key. */
  modelLimits: Record<string, ModelLimits>;
  /** The IANA zone whose midnight resets the daily caps (the channel type's dayResetZone default). */
  dayResetZone: string;
}

export interface ChannelPreset {
  id: string;
  label: string;
  type: ChannelType;
  baseUrl: string;
  /** What the operator must still fill in, shown next to the preset. */
  note?: string;
  /** Channel settings the preset starts with (`healthCheck: "completion"` where the models list needs no key). */
  settings?: Record<string, unknown>;
  freeTier?: FreeTierCaps;
}

export const CHANNEL_PRESETS: readonly ChannelPreset[] = [
  { id: 'openai', label: 'OpenAI', type: 'openai', baseUrl: 'https://api.openai.com/v1' },
  {
    id: 'openrouter',
    label: 'OpenRouter',
    type: 'openai',
    baseUrl: 'https://openrouter.ai/api/v1',
    // Its models list answers without a key: only a completion tells a revoked key.
    settings: { healthCheck: 'completion' },
    freeTier: {
      takenOn: '2025-07-01',
      source: 'https://openrouter.ai/docs/api-reference/limits',
      // `:free` models, per account; 1000 a day once the account bought $10 of credits.
      keyLimits: { rpm: 20, rpd: 50 },
      modelLimits: {},
      dayResetZone: 'UTC',
    },
  },
  { id: 'deepseek', label: 'DeepSeek', type: 'openai', baseUrl: 'https://api.deepseek.com/v1' },
  {
    id: 'groq',
    label: 'Groq',
    type: 'openai',
    baseUrl: 'https://api.groq.com/openai/v1',
    freeTier: {
      takenOn: '2025-07-01',
      source: 'https://console.groq.com/docs/rate-limits',
      modelLimits: {
        'llama-3.3-70b-versatile': { rpm: 30, rpd: 1_000, tpm: 12_000, tpd: 100_000 },
        'llama-3.1-8b-instant': { rpm: 30, rpd: 14_400, tpm: 6_000, tpd: 500_000 },
        'gemma2-9b-it': { rpm: 30, rpd: 14_400, tpm: 15_000, tpd: 500_000 },
      },
      dayResetZone: 'UTC',
    },
  },
  {
    id: 'cerebras',
    label: 'Cerebras',
    type: 'openai',
    baseUrl: 'https://api.cerebras.ai/v1',
    freeTier: {
      takenOn: '2025-07-01',
      source: 'https://inference-docs.cerebras.ai/support/rate-limits',
      modelLimits: {
        'llama3.1-8b': { rpm: 30, rpd: 14_400, tpm: 60_000, tpd: 1_000_000 },
        'llama-3.3-70b': { rpm: 30, rpd: 14_400, tpm: 60_000, tpd: 1_000_000 },
      },
      dayResetZone: 'UTC',
    },
  },
  { id: 'siliconflow', label: 'SiliconFlow', type: 'openai', baseUrl: 'https://api.siliconflow.cn/v1' },
  { id: 'moonshot', label: 'Moonshot (Kimi)', type: 'openai', baseUrl: 'https://api.moonshot.cn/v1' },
  { id: 'zhipu', label: 'Zhipu (GLM)', type: 'openai', baseUrl: 'https://open.bigmodel.cn/api/paas/v4' },
  {
    id: 'azure-openai',
    label: 'Azure OpenAI',
    type: 'azure-openai',
    baseUrl: 'https://YOUR-RESOURCE.openai.azure.com',
    note: 'replace YOUR-RESOURCE; deployments are named by the upstream model (modelMapping), settings.apiVersion picks the API version',
  },
  { id: 'anthropic', label: 'Anthropic', type: 'anthropic', baseUrl: 'https://api.anthropic.com' },
  {
    id: 'gemini',
    label: 'Google Gemini',
    type: 'gemini',
    baseUrl: 'https://generativelanguage.googleapis.com',
    freeTier: {
      takenOn: '2025-07-01',
      source: 'https://ai.google.dev/gemini-api/docs/rate-limits',
      modelLimits: {
        'gemini-2.5-pro': { rpm: 5, tpm: 250_000, rpd: 100 },
        'gemini-2.5-flash': { rpm: 10, tpm: 250_000, rpd: 250 },
        'gemini-2.5-flash-lite': { rpm: 15, tpm: 250_000, rpd: 1_000 },
        'gemini-2.0-flash': { rpm: 15, tpm: 1_000_000, rpd: 200 },
      },
      // "Requests per day (RPD) quotas reset at midnight Pacific time" (the source above).
      dayResetZone: 'America/Los_Angeles',
    },
  },
  {
    id: 'vllm',
    label: 'vLLM (local)',
    type: 'openai',
    baseUrl: 'http://127.0.0.1:8000/v1',
    note: 'any key works unless vLLM was started with --api-key',
  },
  {
    id: 'ollama',
    label: 'Ollama (local)',
    type: 'openai',
    baseUrl: 'http://127.0.0.1:11434/v1',
    note: 'Ollama ignores the key; enter any 8+ characters',
  },
];
