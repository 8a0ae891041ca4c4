import { transientBackoffMs } from './transient-retry';

describe('transientBackoffMs', () => {
  it('doubles per round between half and all of its ceiling, so requests that failed together spread out', () => {
    expect(transientBackoffMs(0, () => 0)).toBe(125);
    expect(transientBackoffMs(0, () => 0.999999)).toBe(250);
    expect(transientBackoffMs(2, () => 0.5)).toBe(750);
  });

  it('is capped at 4 s, and robust to a random source that misbehaves', () => {
    expect(transientBackoffMs(30, () => 1)).toBe(4000);
    expect(transientBackoffMs(-3, () => Number.NaN)).toBe(125);
  });
});
