import { BoundedTtlCache } from './bounded-ttl-cache';

describe('BoundedTtlCache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000;
  });

  it('returns what was set until the TTL runs out', () => {
    const cache = new BoundedTtlCache<string, number>(10, 100, clock);
    cache.set('a', 1);
    now += 99;
    expect(cache.get('a')).toBe(1);
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.has('a')).toBe(false);
  });

  it('keeps an expired value for a stale read until it is replaced, deleted or evicted', () => {
    const cache = new BoundedTtlCache<string, number>(2, 100, clock);
    cache.set('a', 1);
    now += 500;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.stale('a')).toBe(1);
    cache.set('a', 2);
    expect(cache.get('a')).toBe(2);
    cache.delete('a');
    expect(cache.stale('a')).toBeUndefined();
    cache.set('b', 1);
    cache.set('c', 1);
    cache.set('d', 1);
    expect(cache.stale('b')).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('setting again restarts the TTL', () => {
    const cache = new BoundedTtlCache<string, number>(10, 100, clock);
    cache.set('a', 1);
    now += 80;
    cache.set('a', 2);
    now += 80;
    expect(cache.get('a')).toBe(2);
  });

  it('never holds more than its bound, dropping the oldest insertion first', () => {
    const cache = new BoundedTtlCache<number, number>(3, 1_000, clock);
    for (let i = 0; i < 5; i++) cache.set(i, i);
    expect(cache.size).toBe(3);
    expect(cache.get(0)).toBeUndefined();
    expect(cache.get(1)).toBeUndefined();
    expect([cache.get(2), cache.get(3), cache.get(4)]).toEqual([2, 3, 4]);
    cache.set(2, 20);
    cache.set(5, 5);
    expect(cache.get(3)).toBeUndefined();
    expect(cache.get(2)).toBe(20);
  });

  it('deletes by key, by predicate, and entirely', () => {
    const cache = new BoundedTtlCache<string, { id: string }>(10, 1_000, clock);
    cache.set('a', { id: '1' });
    cache.set('b', { id: '2' });
    cache.set('c', { id: '2' });
    expect(cache.delete('a')).toBe(true);
    expect(cache.has('a')).toBe(false);
    expect(cache.deleteWhere((value) => value.id === '2')).toBe(2);
    expect(cache.size).toBe(0);
    cache.set('d', { id: '3' });
    cache.clear();
    expect(cache.get('d')).toBeUndefined();
  });
});
