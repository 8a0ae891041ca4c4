import { draftCost } from './price-math';

const mix = (
  promptTokens: string,
  cachedTokens: string,
  completionTokens: string,
  reasoningTokens = '0',
) => ({
  promptTokens,
  cachedTokens,
  completionTokens,
  reasoningTokens,
});

describe('draftCost (the price editor preview before saving)', () => {
  it('bills uncached prompt, cached prompt and completion tokens at their own rates', () => {
    // 800 × 2.5 + 200 × 1.25 + 500 × 10 per 1M = 0.002 + 0.00025 + 0.005
    expect(
      draftCost(
        { inputPer1M: '2.5', cachedInputPer1M: '1.25', outputPer1M: '10' },
        mix('1000', '200', '500'),
      ),
    ).toBe('0.00725');
  });

  it('charges cached tokens at the input rate when no cached rate is given, and adds the per-request fee', () => {
    expect(
      draftCost({ inputPer1M: '3', outputPer1M: '0', perRequest: '0.01' }, mix('1000', '400', '0')),
    ).toBe('0.013');
  });

  it('bills the reasoning part of the completion at the reasoning rate, or the output rate without one', () => {
    // 300 × 10 + 200 × 40 per 1M = 0.003 + 0.008
    expect(
      draftCost({ inputPer1M: '0', outputPer1M: '10', reasoningPer1M: '40' }, mix('0', '0', '500', '200')),
    ).toBe('0.011');
    expect(
      draftCost({ inputPer1M: '0', outputPer1M: '10', reasoningPer1M: null }, mix('0', '0', '500', '200')),
    ).toBe('0.005');
    expect(
      draftCost({ inputPer1M: '0', outputPer1M: '10', reasoningPer1M: '' }, mix('0', '0', '500', '200')),
    ).toBe('0.005');
  });

  it('rounds the token part once, half up, to whole nano-USD', () => {
    // 1 token at 0.0005 USD per 1M = 0.5 nano-USD → 1 nano-USD; 1 token at 0.0004 → 0.
    expect(draftCost({ inputPer1M: '0.0005', outputPer1M: '0' }, mix('1', '0', '0'))).toBe('0.000000001');
    expect(draftCost({ inputPer1M: '0.0004', outputPer1M: '0' }, mix('1', '0', '0'))).toBe('0');
  });

  it('stays exact where floats would not (huge counts, many decimals)', () => {
    expect(draftCost({ inputPer1M: '0.123456789', outputPer1M: '0' }, mix('999999999999999', '0', '0'))).toBe(
      '123456788.999999877',
    );
  });

  it('gives no answer for an invalid amount, a non-integer count, or more cached than prompt tokens', () => {
    expect(draftCost({ inputPer1M: '2.5.1', outputPer1M: '1' }, mix('1', '0', '0'))).toBeNull();
    expect(draftCost({ inputPer1M: '1', outputPer1M: '1' }, mix('1.5', '0', '0'))).toBeNull();
    expect(draftCost({ inputPer1M: '1', outputPer1M: '1' }, mix('10', '11', '0'))).toBeNull();
    expect(draftCost({ inputPer1M: '1', outputPer1M: '1' }, mix('10', '0', '5', '6'))).toBeNull();
  });

  it('bills cache writes apart from cached and uncached input, at their rate or the input rate', () => {
    // 1000 prompt: 100 read, 400 written, 500 plain; $3 input, $0.30 cached, $3.75 cache write per 1M.
    const counts = { ...mix('1000', '100', '0'), cacheWriteTokens: '400' };
    const price = { inputPer1M: '3', cachedInputPer1M: '0.3', outputPer1M: '0' };
    expect(draftCost({ ...price, cacheWritePer1M: '3.75' }, counts)).toBe('0.00303');
    expect(draftCost(price, counts)).toBe('0.00273');
    expect(draftCost(price, { ...counts, cacheWriteTokens: '901' })).toBeNull();
  });
});
