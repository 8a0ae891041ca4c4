import { centsOf, roundedUsd, statedAmounts } from './rounded-usd';

const line = (amountNano: string) => ({
  kind: 'usage' as const,
  description: 'm',
  model: 'm',
  requests: 1,
  inputTokens: '0',
  cachedTokens: '0',
  outputTokens: '0',
  amountNano,
});

describe('roundedUsd', () => {
  it('rounds each line to the cent, sums the rounded lines, taxes the rounded subtotal', () => {
    // 12.345678901 → 12.35, 0.333333333 → 0.33, -0.005 → -0.01 (half away from zero).
    const stated = roundedUsd({
      lines: [line('12345678901'), line('333333333'), line('-5000000')],
      taxRate: '0.19',
      statedUsd: null,
    });
    expect(stated).toEqual({
      minorDigits: 2,
      lineMinor: ['1235', '33', '-1'],
      subtotalMinor: '1267',
      taxMinor: '241', // 12.67 × 0.19 = 2.4073
      totalMinor: '1508',
    });
    expect(BigInt(stated.subtotalMinor)).toBe(
      stated.lineMinor.reduce((sum, minor) => sum + BigInt(minor), 0n),
    );
    expect(BigInt(stated.totalMinor)).toBe(BigInt(stated.subtotalMinor) + BigInt(stated.taxMinor));
  });

  it('an invoice in another currency states its conversion', () => {
    const converted = {
      minorDigits: 2,
      lineMinor: ['100'],
      subtotalMinor: '100',
      taxMinor: '0',
      totalMinor: '100',
    };
    expect(statedAmounts({ lines: [line('1')], taxRate: '0', converted, statedUsd: null })).toBe(converted);
    expect(
      statedAmounts({ lines: [line('14999999')], taxRate: '0', converted: null, statedUsd: null }).totalMinor,
    ).toBe('1');
    expect(centsOf(15_000_000n)).toBe(2n);
    expect(centsOf(-15_000_000n)).toBe(-2n);
  });

  it('a credit note states the cents it was issued with, not its line rounded alone', () => {
    // Its share of an invoice's 0.19 of tax: 0.09, where 0.50 × 19% alone rounds to 0.10.
    const statedUsd = {
      minorDigits: 2,
      lineMinor: ['-50'],
      subtotalMinor: '-50',
      taxMinor: '-9',
      totalMinor: '-59',
    };
    const note = { lines: [line('-500000000')], taxRate: '0.19', statedUsd, converted: null };
    expect(roundedUsd(note)).toBe(statedUsd);
    expect(statedAmounts(note)).toBe(statedUsd);
    expect(roundedUsd({ ...note, statedUsd: null }).totalMinor).toBe('-60');
  });
});
