import * as v8 from 'node:v8';
import { type RoutingChannel, type RoutingConfig, upstreamModelFor } from '@gateway/channels';
import { seededRandom } from '@gateway/testing';
import { planAttempts } from '../routing/plan-attempts';
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

describe('RoutingTable: the channels of a model', () => {
  const mapped = (
    name: string,
    models: string[],
    modelMapping: Record<string, string>,
    groups?: string[],
  ) => ({
    ...channel(name, models, groups),
    modelMapping,
  });

  it('finds a model by the names a channel lists and maps, in table order', () => {
    const table = new RoutingTable([
      channel('a', ['gpt-4o', 'llama']),
      mapped('b', ['llama'], { '4o': 'gpt-4o', blank: '', toString: 'llama', llama: 'llama-3' }),
      { ...channel('no-keys', ['llama']), keys: [] },
      { ...channel('unspoken', ['llama']), type: 'no-such-type' as RoutingChannel['type'] },
      channel('c', ['llama', 'llama'], ['vip']),
    ]);
    const names = (model: string) => table.channelsServing(model).map((c) => c.name);
    expect(names('llama')).toEqual(['a', 'b', 'c']);
    expect(names('4o')).toEqual(['b']);
    expect(names('gpt-4o')).toEqual(['a']);
    // An alias mapped to nothing serves nothing; inherited names are not names.
    expect(names('blank')).toEqual([]);
    expect(names('toString')).toEqual(['b']);
    expect(names('constructor')).toEqual([]);
    expect(names('__proto__')).toEqual([]);
    expect(table.serves('llama', 'vip')).toBe(true);
    expect(table.serves('gpt-4o', 'vip')).toBe(false);
    expect(
      table
        .planFor('llama', 'default', seededRandom(3))
        .map((a) => a.upstreamModel)
        .sort(),
    ).toEqual(['llama', 'llama-3']);
  });

  it('answers as a scan of the whole table would, for every name, group and random sequence', () => {
    const random = seededRandom(11);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const names = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'toString', 'hasOwnProperty', '__proto__'];
    const groups = ['default', 'vip', 'free'];
    for (let round = 0; round < 40; round++) {
      const channels = Array.from({ length: 1 + Math.floor(random() * 12) }, (_, i) => {
        const models = names.filter(() => random() < 0.3);
        const modelMapping: Record<string, string> = {};
        for (const alias of names.filter(() => random() < 0.15)) {
          Object.defineProperty(modelMapping, alias, {
            value: random() < 0.2 ? '' : pick(names),
            enumerable: true,
          });
        }
        return {
          ...mapped(
            `r${round}-${i}`,
            models,
            modelMapping,
            groups.filter(() => random() < 0.6),
          ),
          priority: Math.floor(random() * 3),
          weight: Math.floor(random() * 3),
        };
      });
      const table = new RoutingTable(channels);
      for (const model of names) {
        expect(table.channelsServing(model)).toEqual(
          table.channels.filter((c) => upstreamModelFor(c, model) !== null),
        );
        for (const group of groups) {
          const scan = table.channels.some(
            (c) => c.groups.includes(group) && upstreamModelFor(c, model) !== null,
          );
          expect(table.serves(model, group)).toBe(scan);
          const seed = round * 100 + names.indexOf(model);
          expect(table.planFor(model, group, seededRandom(seed))).toEqual(
            planAttempts({ channels: table.channels, model, groups: [group], random: seededRandom(seed) }),
          );
        }
      }
    }
  });

  it('reads only the channels of the model a request names, however large the table', () => {
    // Each channel's lists count the lookups made in them once the table is built.
    let reads = 0;
    class Counted extends Array<string> {
      override includes(value: string): boolean {
        reads++;
        return super.includes(value);
      }
    }
    const counted = (items: string[]) => Counted.from(items) as Counted;
    const channels = Array.from({ length: 2000 }, (_, i) => ({
      ...channel(`c${i}`, [], i % 2 === 0 ? ['default'] : ['vip']),
      models: counted([`model-${i}-a`, `model-${i}-b`, ...(i >= 1998 ? ['shared'] : [])]),
      groups: counted(i % 2 === 0 ? ['default'] : ['vip']),
    }));
    const table = new RoutingTable(channels);
    reads = 0;
    expect(table.serves('shared', 'vip')).toBe(true);
    expect(table.route('shared', 'default')).toEqual({ models: ['shared'], via: 'direct' });
    expect(table.planFor('shared', 'default', seededRandom(1)).map((a) => a.channel.name)).toEqual(['c1998']);
    expect(table.serves('model-7-a', 'default')).toBe(false);
    // Two channels serve 'shared': a few reads of theirs per call, none of the other 1,998.
    expect(reads).toBeLessThanOrEqual(12);
  });
});

describe('RoutingTable: its channels and keys', () => {
  // V8's own test of two objects' shapes (a "map"): the relay's reads of a key or a channel stay on
  // V8's fast path only while the objects they meet share a few shapes (issue #16).
  v8.setFlagsFromString('--allow-natives-syntax');
  // eslint-disable-next-line no-new-func -- V8's natives syntax is compiled at run time
  const sameShape = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

  it('are each of one shape, however many the table holds and whatever their values', () => {
    const channels = Array.from({ length: 60 }, (_, i) => {
      const c = channel(`s${i}`, [`m${i}`], i % 2 === 0 ? ['default'] : ['default', 'vip']);
      const keys = Array.from({ length: 5 }, (_, k) => ({
        ...(c.keys[0] as RoutingChannel['keys'][number]),
        id: `s${i}-k${k}`,
        rpm: k % 2 === 0 ? null : 60,
        modelLimits: k === 1 ? { [`m${i}`]: { rpm: 3 } } : {},
      }));
      return { ...c, keys, priority: i % 3, settings: i % 4 === 0 ? { apiVersion: '2024-06-01' } : {} };
    });
    const table = new RoutingTable(channels);
    const first = table.channels[0] as (typeof table.channels)[number];
    const firstKey = first.keys[0] as (typeof first.keys)[number];
    expect(table.channels.filter((c) => !sameShape(c, first))).toEqual([]);
    expect(table.channels.flatMap((c) => c.keys).filter((k) => !sameShape(k, firstKey))).toEqual([]);
  });
});
