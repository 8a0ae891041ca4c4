// A NewAPI / one-api `channels` row → the channel and key pool this gateway would create. Type
// numbers are NewAPI's (constant/channel.go); one-api agrees with them up to 27, and only types at
// or below that are mapped, so either source reads the same. Any other type is imported disabled.
import { CreateChannelDto, GROUP_PATTERN, isProviderKey, MODEL_NAME_PATTERN } from '@gateway/channels';
import type { SourceRow } from './source/newapi-source';
import { integer, list, text } from './source-values';

interface Route {
  label: string;
  type: CreateChannelDto['type'];
  defaultBaseUrl: string;
  /** OpenAI-compatible servers: NewAPI stores the host, this gateway the `/v1` root. */
  appendV1: boolean;
}

const ROUTES: Record<number, Route> = {
  1: { label: 'OpenAI', type: 'openai', defaultBaseUrl: 'https://api.openai.com', appendV1: true },
  3: { label: 'Azure', type: 'azure-openai', defaultBaseUrl: '', appendV1: false },
  4: { label: 'Ollama', type: 'openai', defaultBaseUrl: 'http://localhost:11434', appendV1: true },
  // OpenAI-compatible resellers and proxies, the same numbers in NewAPI and one-api: only a base URL
  // tells them apart, so a row without one is skipped.
  6: { label: 'OpenAI Max', type: 'openai', defaultBaseUrl: '', appendV1: true },
  7: { label: 'OhMyGPT', type: 'openai', defaultBaseUrl: '', appendV1: true },
  8: { label: 'Custom (OpenAI-compatible)', type: 'openai', defaultBaseUrl: '', appendV1: true },
  9: { label: 'AILS', type: 'openai', defaultBaseUrl: '', appendV1: true },
  10: { label: 'AI Proxy', type: 'openai', defaultBaseUrl: '', appendV1: true },
  12: { label: 'API2GPT', type: 'openai', defaultBaseUrl: '', appendV1: true },
  13: { label: 'AIGC2D', type: 'openai', defaultBaseUrl: '', appendV1: true },
  14: { label: 'Anthropic', type: 'anthropic', defaultBaseUrl: 'https://api.anthropic.com', appendV1: false },
  20: { label: 'OpenRouter', type: 'openai', defaultBaseUrl: 'https://openrouter.ai/api', appendV1: true },
  24: {
    label: 'Gemini',
    type: 'gemini',
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
    appendV1: false,
  },
  25: { label: 'Moonshot', type: 'openai', defaultBaseUrl: 'https://api.moonshot.cn', appendV1: true },
};

const AZURE_API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;
const PRIORITY_LIMIT = 1000;
const WEIGHT_LIMIT = 1000;
const NAME_LENGTH = 100;

export interface PlannedChannel {
  sourceId: string;
  name: string;
  /** Without keys (they go to the encrypted pool through ChannelKeysService). */
  channel: CreateChannelDto;
  keys: string[];
  /** Why it is imported disabled although NewAPI had it enabled, if so. */
  unroutable: string | null;
  notes: string[];
}

export type ChannelPlan = { ok: true; planned: PlannedChannel } | { ok: false; reason: string };

export function planChannel(row: SourceRow): ChannelPlan {
  const sourceId = text(row, 'id');
  const typeNumber = Number(integer(row, 'type'));
  const route = ROUTES[typeNumber];
  const notes: string[] = [];

  const models = list(text(row, 'models')).filter((model) => {
    const ok = MODEL_NAME_PATTERN.test(model);
    if (!ok) notes.push(`model ${JSON.stringify(model)} dropped (not a model name here)`);
    return ok;
  });
  if (models.length === 0) return { ok: false, reason: 'no models listed' };

  const keys = list(text(row, 'key'), /\r?\n/).filter((key) => isProviderKey(key));
  const dropped = list(text(row, 'key'), /\r?\n/).length - keys.length;
  if (dropped > 0) notes.push(`${dropped} key line(s) dropped (not 8-1024 printable characters)`);
  if (keys.length === 0) return { ok: false, reason: 'no usable key' };

  const modelMapping = mappingOf(text(row, 'model_mapping'), models, notes);
  const groups = list(text(row, 'group')).map((group) => group.toLowerCase());
  const goodGroups = groups.filter((group) => GROUP_PATTERN.test(group));
  if (goodGroups.length < groups.length)
    notes.push(`groups dropped: ${groups.filter((g) => !GROUP_PATTERN.test(g)).join(', ')}`);

  const priority = clamp(Number(integer(row, 'priority')), -PRIORITY_LIMIT, PRIORITY_LIMIT);
  if (BigInt(priority) !== integer(row, 'priority')) notes.push(`priority clamped to ${priority}`);
  // NewAPI's weight 0 means "the default share"; here the smallest weight is 1.
  const weight = clamp(Number(integer(row, 'weight')), 1, WEIGHT_LIMIT);

  const status = Number(integer(row, 'status', 1n));
  if (status === 3) notes.push('auto-disabled in NewAPI: imported disabled');
  const unroutable = route ? null : `type ${typeNumber} is not routable by this gateway yet`;
  const enabled = status === 1 && unroutable === null;

  const rawBase = text(row, 'base_url').trim().replace(/\/+$/, '');
  let baseUrl = rawBase || route?.defaultBaseUrl || '';
  if (route?.appendV1 && !/\/v1$/.test(baseUrl)) baseUrl = `${baseUrl}/v1`;
  if (!/^https?:\/\/[^\s]+$/i.test(baseUrl)) {
    if (enabled || route) return { ok: false, reason: `no usable base URL (${JSON.stringify(rawBase)})` };
    baseUrl = 'https://unroutable.invalid';
  }

  const settings: CreateChannelDto['settings'] = {};
  if (route?.type === 'azure-openai') {
    const version = text(row, 'other').trim();
    if (AZURE_API_VERSION.test(version)) settings.apiVersion = version;
    else if (version)
      notes.push(`Azure api version ${JSON.stringify(version)} not understood: the default is used`);
  }

  const name = (text(row, 'name').trim() || `newapi-${sourceId}`).slice(0, NAME_LENGTH);
  return {
    ok: true,
    planned: {
      sourceId,
      name,
      keys,
      unroutable,
      notes,
      channel: {
        name,
        type: route?.type ?? 'openai',
        baseUrl,
        models,
        modelMapping,
        priority,
        weight,
        groups: goodGroups.length > 0 ? goodGroups : ['default'],
        status: enabled ? 'enabled' : 'disabled',
        settings,
      },
    },
  };
}

function mappingOf(json: string, models: string[], notes: string[]): Record<string, string> {
  if (!json.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    notes.push('model_mapping is not JSON: ignored');
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  const mapping: Record<string, string> = {};
  for (const [alias, upstream] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof upstream !== 'string' || !MODEL_NAME_PATTERN.test(upstream) || !models.includes(alias)) {
      notes.push(`model_mapping ${JSON.stringify(alias)} dropped (alias not in models, or no upstream name)`);
      continue;
    }
    if (alias !== upstream) mapping[alias] = upstream;
  }
  return mapping;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Number.isFinite(value) ? value : 0));
}
