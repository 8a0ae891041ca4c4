import { memberServability, type ServingChannel } from './member-servability';

const channel = (over: Partial<ServingChannel>): ServingChannel => ({
  status: 'enabled',
  groups: ['default'],
  models: [],
  modelMapping: {},
  hasKey: true,
  ...over,
});

describe('memberServability', () => {
  it('serves a member to the groups of its enabled, keyed channels, listed or mapped', () => {
    const [listed, aliased] = memberServability(
      ['llama', 'free'],
      [
        channel({ models: ['llama'], groups: ['vip', 'default'] }),
        channel({ models: ['llama', 'free'], modelMapping: { free: 'mistral' }, groups: ['default'] }),
        channel({ models: ['llama'], groups: ['staff'], status: 'disabled' }),
      ],
    );
    expect(listed).toEqual({ model: 'llama', servable: true, groups: ['default', 'vip'], reason: null });
    expect(aliased).toEqual({ model: 'free', servable: true, groups: ['default'], reason: null });
  });

  it('says why a member is stranded: not listed, only on disabled channels, or on keyless ones', () => {
    const members = memberServability(
      ['gone', 'off', 'keyless', 'blank-alias'],
      [
        channel({ models: ['off'], status: 'disabled' }),
        channel({ models: ['keyless'], hasKey: false }),
        channel({ models: ['keyless'], status: 'auto_disabled' }),
        channel({ models: [], modelMapping: { 'blank-alias': '' } }),
      ],
    );
    expect(members.map((m) => [m.model, m.servable, m.groups, m.reason])).toEqual([
      ['gone', false, [], 'not_served'],
      ['off', false, [], 'channels_disabled'],
      ['keyless', false, [], 'no_enabled_key'],
      ['blank-alias', false, [], 'not_served'],
    ]);
  });
});
