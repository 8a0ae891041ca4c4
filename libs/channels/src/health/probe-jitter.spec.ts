import { probeOffset, probeSchedulerId } from './probe-schedules';
import { providerOf } from './provider-rate';

describe('probeOffset', () => {
  const ids = Array.from({ length: 500 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

  it('is stable per key and inside (0, every)', () => {
    for (const id of ids) {
      const offset = probeOffset(id, 300_000);
      expect(offset).toBe(probeOffset(id, 300_000));
      expect(offset).toBeGreaterThan(0);
      expect(offset).toBeLessThan(300_000);
    }
  });

  it('spreads a pool of keys over the interval', () => {
    const buckets = new Array(10).fill(0) as number[];
    for (const id of ids) buckets[Math.floor(probeOffset(id, 300_000) / 30_000)]! += 1;
    // 500 keys in 10 slices: none empty, none with more than a quarter of them.
    expect(Math.min(...buckets)).toBeGreaterThan(0);
    expect(Math.max(...buckets)).toBeLessThan(125);
  });

  it('names a key’s scheduler so its BullMQ job ids stay valid (no extra colons)', () => {
    expect(probeSchedulerId(ids[0]!)).toBe(`probe-${ids[0]}`);
    expect(probeSchedulerId(ids[0]!)).not.toContain(':');
  });
});

describe('providerOf', () => {
  it('is the host of the base URL, port included, lower-cased', () => {
    expect(providerOf('https://API.OpenAI.com/v1')).toBe('api.openai.com');
    expect(providerOf('http://127.0.0.1:4010/v1')).toBe('127.0.0.1:4010');
  });
});
