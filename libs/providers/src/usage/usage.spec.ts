import { boundedUsage, MAX_USAGE_TOKENS } from './usage';

describe('boundedUsage', () => {
  it('keeps a usage of whole counts within bounds as it is', () => {
    const usage = {
      promptTokens: 10,
      completionTokens: 5,
      cachedTokens: 4,
      cacheWriteTokens: 3,
      reasoningTokens: 2,
    };
    expect(boundedUsage(usage)).toEqual(usage);
    expect(
      boundedUsage({ promptTokens: 1, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0 }),
    ).not.toHaveProperty('cacheWriteTokens');
  });

  it('bounds each count at what a usage record stores, the parts within their wholes', () => {
    expect(
      boundedUsage({
        promptTokens: 6e9,
        completionTokens: 1e300,
        cachedTokens: 2e9,
        cacheWriteTokens: 2e9,
        reasoningTokens: Infinity,
      }),
    ).toEqual({
      promptTokens: MAX_USAGE_TOKENS,
      completionTokens: MAX_USAGE_TOKENS,
      cachedTokens: 2e9,
      cacheWriteTokens: MAX_USAGE_TOKENS - 2e9,
      reasoningTokens: MAX_USAGE_TOKENS,
    });
  });

  it('rounds fractions down and makes negative or non-numbers 0', () => {
    expect(
      boundedUsage({ promptTokens: 2.5, completionTokens: -3, cachedTokens: NaN, reasoningTokens: 0.9 }),
    ).toEqual({ promptTokens: 2, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0 });
  });
});
