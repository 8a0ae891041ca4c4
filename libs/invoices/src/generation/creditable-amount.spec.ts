import { creditableNano, refundToBalanceNano } from './creditable-amount';
import { taxOn } from './tax';

const USD = 1_000_000_000n;

describe('how much a credit note may credit', () => {
  it('is all the subtotal left while nothing is paid', () => {
    expect(
      creditableNano({
        subtotalLeftNano: 10n * USD,
        paidNano: 0n,
        balanceDueNano: 11_900_000_000n,
        prepaidNano: 0n,
        taxRate: '0.19',
      }),
    ).toBe(10n * USD);
  });

  it('is nothing on an invoice paid in full', () => {
    expect(
      creditableNano({
        subtotalLeftNano: 10n * USD,
        paidNano: 11_900_000_000n,
        balanceDueNano: 0n,
        prepaidNano: 0n,
        taxRate: '0.19',
      }),
    ).toBe(0n);
  });

  it('once part is paid, is the most whose total with tax the balance due still covers', () => {
    // 11.90 due, 5.95 paid: 5 + 19% = 5.95 is the most.
    expect(
      creditableNano({
        subtotalLeftNano: 10n * USD,
        paidNano: 5_950_000_000n,
        balanceDueNano: 5_950_000_000n,
        prepaidNano: 0n,
        taxRate: '0.19',
      }),
    ).toBe(5n * USD);
    for (const balanceDueNano of [1n, 2n, 7n, 1_000_003n, 3_527_973_246n]) {
      const amount = creditableNano({
        subtotalLeftNano: 100n * USD,
        paidNano: 1n,
        balanceDueNano,
        prepaidNano: 0n,
        taxRate: '0.19',
      });
      expect(amount + taxOn(amount, '0.19')).toBeLessThanOrEqual(balanceDueNano);
      expect(amount + 1n + taxOn(amount + 1n, '0.19')).toBeGreaterThan(balanceDueNano);
    }
  });

  it('never all the subtotal left once something is paid from outside the balance', () => {
    expect(
      creditableNano({
        subtotalLeftNano: 5n,
        paidNano: 1n,
        balanceDueNano: 6n,
        prepaidNano: 0n,
        taxRate: '0',
      }),
    ).toBe(4n);
  });

  it('once the prepaid balance paid the usage, may credit it too, all of it when nothing else was paid', () => {
    // 10 of usage paid from the balance, 1.90 of tax left to pay.
    const room = {
      subtotalLeftNano: 10n * USD,
      paidNano: 10n * USD,
      balanceDueNano: 1_900_000_000n,
      prepaidNano: 10n * USD,
      taxRate: '0.19',
    };
    expect(creditableNano(room)).toBe(10n * USD);
    // 5 + 19% = 5.95: 1.90 of it clears the tax due, 4.05 goes back to the balance.
    expect(refundToBalanceNano(5_950_000_000n, room)).toBe(4_050_000_000n);
    expect(refundToBalanceNano(11_900_000_000n, room)).toBe(10n * USD);
    expect(refundToBalanceNano(1_000_000_000n, room)).toBe(0n);
  });

  it('never gives back money paid from outside the balance', () => {
    // 10 from the balance, then the 1.90 of tax paid by transfer: only the 10 can go back.
    const amount = creditableNano({
      subtotalLeftNano: 10n * USD,
      paidNano: 11_900_000_000n,
      balanceDueNano: 0n,
      prepaidNano: 10n * USD,
      taxRate: '0.19',
    });
    expect(amount + taxOn(amount, '0.19')).toBeLessThanOrEqual(10n * USD);
    expect(amount + 1n + taxOn(amount + 1n, '0.19')).toBeGreaterThan(10n * USD);
  });
});
