// Base URLs of well-known providers, offered by the dashboard when an operator adds a channel.
import type { ChannelType } from './entities/channel.entity';

export interface ChannelPreset {
  id: string;
  label: string;
  type: ChannelType;
  baseUrl: string;
  /** What the operator must still fill in, shown next to the preset. */
  note?: string;
}

export const CHANNEL_PRESETS: readonly ChannelPreset[] = [
  { id: 'openai', label: 'OpenAI', type: 'openai', baseUrl: 'https://api.openai.com/v1' },
  { id: 'openrouter', label: 'OpenRouter', type: 'openai', baseUrl: 'https://openrouter.ai/api/v1' },
  { id: 'deepseek', label: 'DeepSeek', type: 'openai', baseUrl: 'https://api.deepseek.com/v1' },
  { id: 'groq', label: 'Groq', type: 'openai', baseUrl: 'https://api.groq.com/openai/v1' },
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
