import type { RoutingChannel, RoutingConfig } from '@gateway/channels';
import { RoutingTable } from './routing-table';

const channel = (name: string, models: string[], groups = ['default']): RoutingChannel => ({
  id: `${name}-id`,
  name,
  type: 'openai',
  baseUrl: 'http://127.0.0.1:1/v1',
  models,
  modelMapping: {},
  priority: 0,
  weight: 1,
  groups,
  timeoutMs: 1000,
  settings: {},
  keys: [
    {
      id: `${name}-k`,
      priority: 0,
      weight: 1,
      rpm: null,
      tpm: null,
      rpd: null,
      tpd: null,
      modelLimits: {},
      dayZone: 'UTC',
      secret: 'sk-x',
    },
  ],
});

const config: RoutingConfig = {
  chains: [
    { name: 'free-chat', models: ['llama', 'gemini', 'qwen'], fallbackFor: [] },
    { name: 'backup', models: ['qwen', 'gpt-4o'], fallbackFor: ['gpt-4o'] },
  ],
  defaultChains: { default: 'free-chat', vip: null },
  unhashedGroups: ['spread'],
};

describe('RoutingTable.route', () => {
  const table = new RoutingTable(
    [channel('a', ['llama', 'gemini', 'qwen', 'gpt-4o']), channel('b', ['free-chat'], ['other'])],
    config,
  );

  it('routes a chain’s name to its models, in order', () => {
    expect(table.route('free-chat', 'default')).toEqual({
      models: ['llama', 'gemini', 'qwen'],
      via: 'chain',
    });
  });

  it('routes auto to the group’s default chain, and nothing where the group has none', () => {
    expect(table.route('auto', 'default')).toEqual({ models: ['llama', 'gemini', 'qwen'], via: 'auto' });
    expect(table.route('auto', 'vip')).toBeNull();
    expect(table.route('auto', 'unknown')).toBeNull();
  });

  it('follows a served model with the chain attached to it, without trying it twice', () => {
    expect(table.route('gpt-4o', 'default')).toEqual({ models: ['gpt-4o', 'qwen'], via: 'direct' });
    expect(table.route('llama', 'default')).toEqual({ models: ['llama'], via: 'direct' });
  });

  it('lets a served model’s name win over a chain of the same name, and knows nothing else', () => {
    expect(table.route('free-chat', 'other')).toEqual({ models: ['free-chat'], via: 'direct' });
    expect(table.route('nothing', 'default')).toBeNull();
  });

  it('says which groups recognise conversations by their leading messages', () => {
    expect(table.hashesSessions('default')).toBe(true);
    expect(table.hashesSessions('spread')).toBe(false);
  });
});
