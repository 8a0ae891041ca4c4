import {
  CODE_LENGTH,
  generateRedemptionCode,
  hashRedemptionCode,
  normalizeRedemptionCode,
  redemptionCodeHint,
} from './redemption-code';

describe('redemption codes', () => {
  it('are 7 groups of 4 characters of Crockford base32, at least 128 bits', () => {
    const code = generateRedemptionCode();
    expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(CODE_LENGTH * Math.log2(32)).toBeGreaterThanOrEqual(128);
  });

  it('do not repeat, and use the whole alphabet', () => {
    const codes = Array.from({ length: 2000 }, generateRedemptionCode);
    expect(new Set(codes).size).toBe(codes.length);
    const seen = new Set(codes.join('').replace(/-/g, ''));
    expect(seen.size).toBe(32);
  });

  it('normalize what a person types: case, spaces, dashes, O for 0, I and L for 1', () => {
    const code = generateRedemptionCode();
    const canonical = code.replace(/-/g, '');
    expect(normalizeRedemptionCode(code)).toBe(canonical);
    expect(normalizeRedemptionCode(` ${code.toLowerCase().replace(/-/g, ' ')} `)).toBe(canonical);
    const withZerosAndOnes = 'O0IL-1111-2222-3333-4444-5555-6666';
    expect(normalizeRedemptionCode(withZerosAndOnes)).toBe('0011111122223333444455556666');
  });

  it('refuse anything that cannot be a code', () => {
    for (const bad of ['', 'ABCD', 'U'.repeat(CODE_LENGTH), `${'A'.repeat(CODE_LENGTH)}A`, '!'.repeat(28)]) {
      expect(normalizeRedemptionCode(bad)).toBeNull();
    }
  });

  it('are stored as a SHA-256 and shown as a hint that is not the code', () => {
    const canonical = normalizeRedemptionCode(generateRedemptionCode())!;
    expect(hashRedemptionCode(canonical)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRedemptionCode(canonical)).toBe(hashRedemptionCode(canonical));
    const hint = redemptionCodeHint(canonical);
    expect(hint).toBe(`${canonical.slice(0, 4)}…${canonical.slice(-4)}`);
    expect(hint).not.toContain(canonical.slice(4, -4));
  });

  it('take a NewAPI / one-api code (32 hex characters) in its own lower-case form, never as one of ours', () => {
    const newapi = '0123456789ABCDEF0123456789abcdef';
    expect(normalizeRedemptionCode(newapi)).toBe(newapi.toLowerCase());
    expect(normalizeRedemptionCode(' 01234567-89ab-cdef-0123-456789abcdef ')).toBe(newapi.toLowerCase());
    expect(normalizeRedemptionCode(`${newapi}0`)).toBeNull();
    expect(normalizeRedemptionCode(newapi.replace('A', 'G'))).toBeNull();
    expect(redemptionCodeHint(newapi.toLowerCase())).toBe('0123…cdef');
  });
});
