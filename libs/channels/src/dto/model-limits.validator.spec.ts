import { modelLimitsProblem } from './model-limits.validator';

describe('modelLimitsProblem (a key’s caps per model)', () => {
  it('accepts model → positive integer caps, and an empty map', () => {
    expect(modelLimitsProblem({})).toBeNull();
    expect(
      modelLimitsProblem({ 'llama-3.3-70b-versatile': { rpm: 30, rpd: 1000, tpm: 12000, tpd: 100000 } }),
    ).toBeNull();
  });

  it('names what is wrong', () => {
    expect(modelLimitsProblem([])).toMatch(/must be an object/);
    expect(modelLimitsProblem({ 'a b': { rpm: 1 } })).toMatch(/keys must be model names/);
    expect(modelLimitsProblem({ m: 5 })).toMatch(/modelLimits\.m must be an object/);
    expect(modelLimitsProblem({ m: { rps: 1 } })).toMatch(/modelLimits\.m\.rps is not a limit/);
    expect(modelLimitsProblem({ m: { rpm: 0 } })).toMatch(/modelLimits\.m\.rpm must be an integer/);
    expect(modelLimitsProblem({ m: { tpm: 1.5 } })).toMatch(/modelLimits\.m\.tpm must be an integer/);
    expect(modelLimitsProblem({ m: { tpd: '5' } })).toMatch(/must be an integer/);
  });
});
