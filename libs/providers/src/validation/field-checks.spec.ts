import { requireInteger, requireNumberIn } from './field-checks';
import { RequestValidationError } from './request-validation-error';

function refusal(run: () => unknown): RequestValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof RequestValidationError) return error;
    throw error;
  }
  throw new Error('expected a RequestValidationError');
}

describe('requireInteger', () => {
  it('says an integer too large to count exactly is out of range, not of the wrong type', () => {
    const tooLarge = refusal(() => requireInteger(1e20, 'max_tokens', { min: 1, max: 1_000_000 }));
    expect(tooLarge.param).toBe('max_tokens');
    expect(tooLarge.message).toContain('above maximum value');
    expect(tooLarge.message).toContain('<= 1000000');
    const unbounded = refusal(() => requireInteger(2 ** 53 + 2, 'n', { min: 1 }));
    expect(unbounded.message).toContain(`<= ${Number.MAX_SAFE_INTEGER}`);
    expect(refusal(() => requireInteger(-1e20, 'seed', { min: -5 })).message).toContain('below minimum');
    expect(refusal(() => requireInteger(1.5, 'n', { min: 1 })).message).toContain('expected an integer');
    expect(requireInteger(Number.MAX_SAFE_INTEGER, 'n', { min: 1 })).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('requireNumberIn', () => {
  it('takes both ends of the range and refuses what is outside or not a finite number, naming the field', () => {
    expect(requireNumberIn(0, 'temperature', { min: 0, max: 2 })).toBe(0);
    expect(requireNumberIn(2, 'temperature', { min: 0, max: 2 })).toBe(2);
    for (const value of [2.01, -0.01, Number.NaN, '1', null]) {
      expect(refusal(() => requireNumberIn(value, 'temperature', { min: 0, max: 2 })).param).toBe(
        'temperature',
      );
    }
  });
});
