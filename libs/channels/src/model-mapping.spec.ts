import { servedNames, upstreamModelFor } from './model-mapping';

describe('upstreamModelFor (the relay routes by it, the chains view judges members by it)', () => {
  const channel = {
    models: ['gpt-4o', 'gpt-4o-mini'],
    modelMapping: { fast: 'gpt-4o-mini', blank: '', 'gpt-4o': 'gpt-4o-2024-08-06' },
  };

  it('sends an alias as the name it maps to, and a mapped listed model as its mapping', () => {
    expect(upstreamModelFor(channel, 'fast')).toBe('gpt-4o-mini');
    expect(upstreamModelFor(channel, 'gpt-4o')).toBe('gpt-4o-2024-08-06');
  });

  it('sends a listed model as it is', () => {
    expect(upstreamModelFor(channel, 'gpt-4o-mini')).toBe('gpt-4o-mini');
  });

  it('serves neither an alias mapped to nothing nor a name it does not list', () => {
    expect(upstreamModelFor(channel, 'blank')).toBeNull();
    expect(upstreamModelFor(channel, 'claude-3-5-sonnet')).toBeNull();
  });

  it('reads only the mapping’s own names, not an object’s inherited ones', () => {
    expect(upstreamModelFor(channel, 'toString')).toBeNull();
    expect(upstreamModelFor(channel, '__proto__')).toBeNull();
    expect(upstreamModelFor(channel, 'constructor')).toBeNull();
  });
});

describe('servedNames', () => {
  it('lists each name upstreamModelFor serves, and no other', () => {
    const channel = {
      models: ['gpt-4o', 'gpt-4o-mini', 'gpt-4o', 'listed-blank'],
      modelMapping: JSON.parse(
        '{"fast":"gpt-4o-mini","blank":"","gpt-4o":"gpt-4o-2024-08-06","listed-blank":"","__proto__":"x","odd":7}',
      ) as Record<string, string>,
    };
    const names = [...new Set(servedNames(channel))].sort();
    expect(names).toEqual(['__proto__', 'fast', 'gpt-4o', 'gpt-4o-mini', 'listed-blank']);
    const asked = [...names, 'blank', 'odd', 'toString', 'constructor', 'nothing'];
    expect(asked.filter((name) => upstreamModelFor(channel, name) !== null).sort()).toEqual(names);
  });
});
