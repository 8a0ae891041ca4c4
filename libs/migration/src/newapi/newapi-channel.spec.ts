import { planChannel } from './newapi-channel';

const row = (fields: Record<string, unknown>) => ({
  id: 7,
  name: 'upstream',
  type: 1,
  key: 'sk-aaaaaaaaaaaaaaaaaaaa',
  base_url: '',
  models: 'gpt-4o-mini',
  group: 'default',
  model_mapping: '',
  priority: 0,
  weight: 0,
  status: 1,
  other: '',
  ...fields,
});

describe('planChannel', () => {
  it('imports an OpenAI-compatible proxy type (8, custom) as an enabled openai channel on its /v1 root', () => {
    const plan = planChannel(row({ type: 8, base_url: 'https://proxy.example.com/' }));
    expect(plan).toMatchObject({
      ok: true,
      planned: {
        unroutable: null,
        channel: { type: 'openai', baseUrl: 'https://proxy.example.com/v1', status: 'enabled' },
      },
    });
  });

  it('skips a proxy type without a base URL, since nothing else says where it is', () => {
    expect(planChannel(row({ type: 8, base_url: '' }))).toMatchObject({ ok: false });
  });

  it('imports a type it cannot route (15, Baidu) disabled, saying why', () => {
    const plan = planChannel(row({ type: 15, base_url: 'https://aip.baidubce.com' }));
    expect(plan).toMatchObject({
      ok: true,
      planned: { unroutable: 'type 15 is not routable by this gateway yet', channel: { status: 'disabled' } },
    });
  });

  it('keeps Azure on its resource URL with the api version from `other`', () => {
    const plan = planChannel(row({ type: 3, base_url: 'https://res.openai.azure.com', other: '2024-10-21' }));
    expect(plan).toMatchObject({
      ok: true,
      planned: {
        channel: {
          type: 'azure-openai',
          baseUrl: 'https://res.openai.azure.com',
          settings: { apiVersion: '2024-10-21' },
        },
      },
    });
  });

  it('puts one key per line into the pool', () => {
    const plan = planChannel(row({ key: 'sk-one-aaaaaaaaaaaa\nsk-two-bbbbbbbbbbbb\n' }));
    expect(plan.ok && plan.planned.keys).toEqual(['sk-one-aaaaaaaaaaaa', 'sk-two-bbbbbbbbbbbb']);
  });
});
