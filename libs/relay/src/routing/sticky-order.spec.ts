import { seededRandom } from '@gateway/testing';
import { planAttempts } from './plan-attempts';
import { channelCandidate as channel, keyCandidate as key } from './routing-candidates.fixtures';
import type { ChannelCandidate } from './routing-snapshot';
import { stickyLayout, stickyOrder } from './sticky-order';

/** A chain's plan as the relay makes it: each model's candidates, one model after the other. */
function plan(channels: ChannelCandidate[], models: string[] = ['gpt-4o'], seed = 1) {
  const random = seededRandom(seed);
  return models.flatMap((model) =>
    planAttempts({ channels, model, groups: ['default'], random }).map((attempt) => ({ ...attempt, model })),
  );
}

const pairs = (attempts: ReturnType<typeof plan>) => attempts.map((a) => `${a.channel.id}/${a.key.id}`);

describe('stickyOrder', () => {
  it('puts a sticky key and its channel first, even from a lower tier and below a higher-priority key', () => {
    const channels = [
      channel('top', { priority: 10 }),
      channel('sticky', { priority: 0, keys: [key('s1', { priority: 5 }), key('s2')] }),
    ];
    expect(pairs(stickyOrder(plan(channels), 's2'))).toEqual(['sticky/s2', 'sticky/s1', 'top/top-k1']);
  });

  it('lists every other candidate after the sticky key, in the plan order', () => {
    const channels = [
      channel('a', { priority: 2, keys: [key('a1', { priority: 1 }), key('a2')] }),
      channel('b', { priority: 1, keys: [key('b1'), key('b2')] }),
      channel('c', { priority: 0, keys: [key('c1')] }),
    ];
    expect(pairs(stickyOrder(plan(channels), 'b2'))).toEqual(['b/b2', 'b/b1', 'a/a1', 'a/a2', 'c/c1']);
  });

  it('in a chain, puts the key first within each model it serves', () => {
    const channels = [
      channel('a', { models: ['m1', 'm2'], priority: 1, keys: [key('a1')] }),
      channel('b', { models: ['m1', 'm2'], keys: [key('b1')] }),
      channel('c', { models: ['m2'], priority: 5, keys: [key('c1')] }),
    ];
    expect(pairs(stickyOrder(plan(channels, ['m1', 'm2']), 'b1'))).toEqual([
      'b/b1',
      'a/a1',
      'b/b1',
      'c/c1',
      'a/a1',
    ]);
  });

  it('keeps the plan as it is for no session, or a key that is disabled, unknown or does not serve the model', () => {
    const channels = [
      channel('top', { priority: 10 }),
      channel('low', { keys: [key('l1', { status: 'disabled' }), key('l2')] }),
      channel('other', { models: ['x'], keys: [key('o1')] }),
    ];
    for (const sticky of [null, '', 'l1', 'o1', 'nope']) {
      expect(pairs(stickyOrder(plan(channels), sticky))).toEqual(['top/top-k1', 'low/l2']);
    }
  });

  it('lays out each candidate as its key id, channel block and model section, for the admission script', () => {
    const channels = [
      channel('a', { models: ['m1', 'm2'], priority: 1, keys: [key('a1'), key('a2', { priority: -1 })] }),
      channel('b', { models: ['m1', 'm2'], keys: [key('b1')] }),
    ];
    expect(stickyLayout(plan(channels, ['m1', 'm2']))).toEqual([
      'a1',
      1,
      1,
      'a2',
      1,
      1,
      'b1',
      2,
      1,
      'a1',
      3,
      2,
      'a2',
      3,
      2,
      'b1',
      4,
      2,
    ]);
  });
});

describe('stickyOrder against stickyLayout (what the admission script orders by)', () => {
  /** The order read off the layout the script is sent: per section, the key, its block, the rest. */
  function byLayout<T extends { key: { id: string } }>(candidates: T[], keyId: string): T[] {
    const layout = stickyLayout(candidates as never);
    const block = (i: number) => layout[i * 3 + 1];
    const section = (i: number) => layout[i * 3 + 2];
    const sections = [...new Set(candidates.map((_, i) => section(i)))];
    return sections.flatMap((s) => {
      const members = candidates.map((c, i) => ({ c, i })).filter(({ i }) => section(i) === s);
      const sticky = members.find(({ c }) => c.key.id === keyId);
      if (sticky === undefined) return members.map(({ c }) => c);
      return [
        sticky.c,
        ...members.filter(({ i }) => i !== sticky.i && block(i) === block(sticky.i)).map(({ c }) => c),
        ...members.filter(({ i }) => block(i) !== block(sticky.i)).map(({ c }) => c),
      ];
    });
  }

  it('orders every plan as the layout says, for each of its keys and for keys it does not hold', () => {
    const random = seededRandom(5);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    for (let round = 0; round < 200; round++) {
      // Runs of one model and one channel, a channel's runs split and keys repeated across models.
      const candidates = Array.from({ length: Math.floor(random() * 30) }, () => ({
        model: pick(['a', 'a', 'b', 'c']),
        channel: { id: pick(['x', 'y', 'z']) },
        key: { id: `k${Math.floor(random() * 12)}` },
      }));
      for (const keyId of ['k0', 'k3', 'k7', 'k11', 'none']) {
        expect(stickyOrder(candidates, keyId)).toEqual(byLayout(candidates, keyId));
      }
    }
  });
});
