import { convertedBalanceMinor, convertedPaymentMinor } from './converted-balance';

// An invoice of 15.427973246 USD that states 109.92 CNY (its lines converted one by one), although
// 15.427973246 × 7.123456 is 109.90.
const DUE_MINOR = 10_992n;
const DUE_NANO = 15_427_973_246n;

describe('what is left to pay in the invoice’s own currency', () => {
  it('is all it states while nothing is paid, and nothing once paid', () => {
    expect(convertedBalanceMinor(DUE_MINOR, DUE_NANO, DUE_NANO)).toBe(10_992n);
    expect(convertedPaymentMinor(DUE_MINOR, DUE_NANO, DUE_NANO, DUE_NANO)).toBe(10_992n);
    expect(convertedBalanceMinor(DUE_MINOR, DUE_NANO, 0n)).toBe(0n);
  });

  it('is the USD balance’s share of it, rounded half up to the minor unit', () => {
    // 5 / 15.427973246 × 109.92 = 35.6236…; 7.713986623 is half: 54.96.
    expect(convertedBalanceMinor(DUE_MINOR, DUE_NANO, 5_000_000_000n)).toBe(3_562n);
    expect(convertedBalanceMinor(DUE_MINOR, DUE_NANO, 7_713_986_623n)).toBe(5_496n);
  });

  it('charges partial payments that add up to exactly what the invoice states, whatever the split', () => {
    for (const parts of [3, 7, 1_000]) {
      let balance = DUE_NANO;
      let charged = 0n;
      for (let i = 0; i < parts; i++) {
        const amount = i === parts - 1 ? balance : DUE_NANO / BigInt(parts);
        const charge = convertedPaymentMinor(DUE_MINOR, DUE_NANO, balance, amount);
        expect(charge).toBeGreaterThanOrEqual(0n);
        charged += charge;
        balance -= amount;
      }
      expect(balance).toBe(0n);
      expect(charged).toBe(DUE_MINOR);
    }
  });
});
