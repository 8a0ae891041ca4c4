import { planAttempts, PlanAttemptsInput } from './plan-attempts';
import { seededRandom } from '@gateway/testing';
import { channelCandidate as channel, keyCandidate as key } from './routing-candidates.fixtures';

function plan(overrides: Partial<PlanAttemptsInput> & Pick<PlanAttemptsInput, 'channels'>) {
  return planAttempts({
    model: 'gpt-4o',
    groups: ['default'],
    random: seededRandom(1),
    ...overrides,
  });
}

const pairs = (attempts: ReturnType<typeof planAttempts>) =>
  attempts.map((a) => `${a.channel.id}/${a.key.id}`);
const channelOrder = (attempts: ReturnType<typeof planAttempts>) => [
  ...new Set(attempts.map((a) => a.channel.id)),
];

describe('planAttempts', () => {
  describe('ordering', () => {
    it('tries higher channel priority tiers first, whatever the weights and the random draws', () => {
      const channels = [
        channel('low', { priority: -5, weight: 1000 }),
        channel('high', { priority: 10, weight: 1 }),
        channel('mid-a', { priority: 0, weight: 500 }),
        channel('mid-b', { priority: 0, weight: 500 }),
      ];
      for (let seed = 1; seed <= 200; seed++) {
        const order = channelOrder(plan({ channels, random: seededRandom(seed) }));
        expect(order[0]).toBe('high');
        expect(new Set(order.slice(1, 3))).toEqual(new Set(['mid-a', 'mid-b']));
        expect(order[3]).toBe('low');
      }
    });

    it('tries all usable keys of a channel before moving to the next channel', () => {
      const channels = [
        channel('a', { priority: 2, keys: [key('a1'), key('a2'), key('a3')] }),
        channel('b', { priority: 1, keys: [key('b1'), key('b2')] }),
      ];
      const result = plan({ channels });
      expect(result.map((a) => a.channel.id)).toEqual(['a', 'a', 'a', 'b', 'b']);
      expect(new Set(pairs(result).slice(0, 3))).toEqual(new Set(['a/a1', 'a/a2', 'a/a3']));
    });

    it('orders keys by key priority, higher first', () => {
      const channels = [
        channel('a', { keys: [key('lo', { priority: -1 }), key('hi', { priority: 3 }), key('mid')] }),
      ];
      for (let seed = 1; seed <= 50; seed++) {
        expect(plan({ channels, random: seededRandom(seed) }).map((a) => a.key.id)).toEqual([
          'hi',
          'mid',
          'lo',
        ]);
      }
    });

    it('splits first choices between channels of one tier by weight (±3% over 10,000 plans)', () => {
      const channels = [
        channel('w1', { weight: 1 }),
        channel('w3', { weight: 3 }),
        channel('w6', { weight: 6 }),
        channel('other-tier', { priority: -1, weight: 100 }),
      ];
      const random = seededRandom(42);
      const firsts: Record<string, number> = { w1: 0, w3: 0, w6: 0, 'other-tier': 0 };
      const runs = 10_000;
      for (let i = 0; i < runs; i++) {
        const result = plan({ channels, random });
        firsts[result[0].channel.id]++;
        expect(result).toHaveLength(4);
        expect(result[3].channel.id).toBe('other-tier');
      }
      expect(Math.abs(firsts.w1 / runs - 0.1)).toBeLessThanOrEqual(0.03);
      expect(Math.abs(firsts.w3 / runs - 0.3)).toBeLessThanOrEqual(0.03);
      expect(Math.abs(firsts.w6 / runs - 0.6)).toBeLessThanOrEqual(0.03);
      expect(firsts['other-tier']).toBe(0);
    });

    it('splits first choices between keys of one priority by weight (±3% over 10,000 plans)', () => {
      const channels = [channel('a', { keys: [key('k1', { weight: 1 }), key('k4', { weight: 4 })] })];
      const random = seededRandom(7);
      let k4First = 0;
      const runs = 10_000;
      for (let i = 0; i < runs; i++) {
        if (plan({ channels, random })[0].key.id === 'k4') k4First++;
      }
      expect(Math.abs(k4First / runs - 0.8)).toBeLessThanOrEqual(0.03);
    });

    it('gives keys of one weight every order equally often (each key in each place ±2% over 24,000 plans)', () => {
      const ids = ['k1', 'k2', 'k3', 'k4'];
      const channels = [channel('a', { keys: ids.map((id) => key(id, { weight: 3 })) })];
      const random = seededRandom(13);
      const runs = 24_000;
      const placed = new Map<string, number>();
      const orders = new Set<string>();
      for (let i = 0; i < runs; i++) {
        const order = plan({ channels, random }).map((a) => a.key.id);
        orders.add(order.join());
        order.forEach((id, place) => placed.set(`${id}@${place}`, (placed.get(`${id}@${place}`) ?? 0) + 1));
      }
      expect(orders.size).toBe(24); // all 4! orders occur
      for (const id of ids) {
        for (let place = 0; place < ids.length; place++) {
          expect(Math.abs((placed.get(`${id}@${place}`) ?? 0) / runs - 0.25)).toBeLessThanOrEqual(0.02);
        }
      }
    });

    it('picks each next key by weight among those left (±3% over 20,000 plans)', () => {
      const channels = [
        channel('a', {
          keys: [key('k1', { weight: 1 }), key('k2', { weight: 2 }), key('k7', { weight: 7 })],
        }),
      ];
      const random = seededRandom(11);
      let k7First = 0;
      let k1Second = 0;
      for (let i = 0; i < 20_000; i++) {
        const order = plan({ channels, random }).map((a) => a.key.id);
        if (order[0] !== 'k7') continue;
        k7First++;
        if (order[1] === 'k1') k1Second++;
      }
      expect(Math.abs(k7First / 20_000 - 0.7)).toBeLessThanOrEqual(0.03);
      // With k7 gone, k1 weighs 1 of the 3 left.
      expect(Math.abs(k1Second / k7First - 1 / 3)).toBeLessThanOrEqual(0.03);
    });

    it('never picks a weight-0 channel before a weighted one of the same tier, but still lists it last', () => {
      const channels = [channel('zero', { weight: 0 }), channel('one', { weight: 1 })];
      for (let seed = 1; seed <= 200; seed++) {
        expect(channelOrder(plan({ channels, random: seededRandom(seed) }))).toEqual(['one', 'zero']);
      }
      expect(channelOrder(plan({ channels: [channel('zero', { weight: 0 })] }))).toEqual(['zero']);
    });

    it('is reproducible for the same random sequence', () => {
      const channels = [channel('a'), channel('b'), channel('c', { keys: [key('c1'), key('c2')] })];
      expect(pairs(plan({ channels, random: seededRandom(9) }))).toEqual(
        pairs(plan({ channels, random: seededRandom(9) })),
      );
    });
  });

  describe('which channels serve the model', () => {
    it('maps an alias to its upstream model and serves direct names as is', () => {
      const channels = [
        channel('alias', {
          priority: 1,
          models: ['gpt-4o-2024-08-06'],
          modelMapping: { 'gpt-4o': 'gpt-4o-2024-08-06' },
        }),
        channel('direct', { models: ['gpt-4o'] }),
      ];
      const result = plan({ channels });
      expect(result.map((a) => [a.channel.id, a.upstreamModel])).toEqual([
        ['alias', 'gpt-4o-2024-08-06'],
        ['direct', 'gpt-4o'],
      ]);
    });

    it('serves an alias even when the upstream name is not listed in models', () => {
      const channels = [channel('a', { models: [], modelMapping: { fast: 'gpt-4o-mini' } })];
      expect(plan({ channels, model: 'fast' }).map((a) => a.upstreamModel)).toEqual(['gpt-4o-mini']);
    });

    it('returns an empty plan when nothing serves the model', () => {
      const result = plan({ channels: [channel('a'), channel('b')], model: 'claude-3-opus' });
      expect(result).toEqual([]);
    });

    it('keeps only channels sharing a group with the token', () => {
      const channels = [
        channel('vip', { groups: ['vip'] }),
        channel('both', { groups: ['default', 'vip'] }),
        channel('default', { groups: ['default'] }),
      ];
      expect(channelOrder(plan({ channels, groups: ['vip'] })).sort()).toEqual(['both', 'vip']);
      expect(channelOrder(plan({ channels, groups: ['default'] })).sort()).toEqual(['both', 'default']);
      expect(plan({ channels, groups: [] })).toEqual([]);
    });

    it('excludes disabled and auto-disabled channels and keys', () => {
      const channels = [
        channel('off', { status: 'disabled', priority: 5 }),
        channel('auto', { status: 'auto_disabled', priority: 5 }),
        channel('on', {
          keys: [
            key('k-on'),
            key('k-off', { status: 'disabled' }),
            key('k-auto', { status: 'auto_disabled' }),
          ],
        }),
      ];
      const result = plan({ channels });
      expect(pairs(result)).toEqual(['on/k-on']);
    });

    it('drops a channel with no usable key', () => {
      const channels = [
        channel('empty', { priority: 9, keys: [] }),
        channel('dead', { priority: 9, keys: [key('x', { status: 'disabled' })] }),
        channel('ok'),
      ];
      expect(channelOrder(plan({ channels }))).toEqual(['ok']);
    });
  });
});
