import { fillSeries, rangeWindow } from './usage-range';

const item = (key: string | null, requests: number, costUsd: string) => ({
  key,
  label: null,
  requests,
  errors: 0,
  promptTokens: requests * 10,
  cachedTokens: 0,
  completionTokens: requests,
  costUsd,
  avgLatencyMs: null,
  p50LatencyMs: null,
  p95LatencyMs: null,
  avgTtftMs: null,
});

describe('dashboard time ranges', () => {
  const now = new Date('2025-03-10T13:25:00Z');

  it('covers the last 24 whole UTC hours up to the end of the current one', () => {
    const window = rangeWindow('24h', now);
    expect(window).toMatchObject({
      from: '2025-03-09T14:00:00.000Z',
      to: '2025-03-10T14:00:00.000Z',
      bucket: 'hour',
    });
    expect(window.keys).toHaveLength(24);
    expect(window.keys[23]).toBe('2025-03-10T13:00:00Z');
  });

  it('covers 7 or 30 UTC days ending today', () => {
    const week = rangeWindow('7d', now);
    expect(week.keys).toEqual([
      '2025-03-04',
      '2025-03-05',
      '2025-03-06',
      '2025-03-07',
      '2025-03-08',
      '2025-03-09',
      '2025-03-10',
    ]);
    expect(rangeWindow('30d', now).keys[0]).toBe('2025-02-09');
  });

  it('fills the buckets the api had no rows for with zeros, whatever the key format', () => {
    const window = rangeWindow('24h', now);
    const series = fillSeries(window, [item('2025-03-10T12:00:00.000Z', 3, '0.5')]);
    expect(series).toHaveLength(24);
    expect(series[22]).toMatchObject({ key: '2025-03-10T12:00:00Z', requests: 3 });
    expect(series[21]).toMatchObject({ requests: 0, costUsd: '0' });
  });
});
