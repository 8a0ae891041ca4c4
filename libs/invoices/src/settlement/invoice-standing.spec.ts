import { nothingStatedDue, standingOf } from './invoice-standing';

const invoice = (subtotalNano: bigint, totalNano: bigint) => ({
  kind: 'invoice' as const,
  subtotalNano,
  totalNano,
});
const none = { subtotalNano: 0n, totalNano: 0n };

describe('where an invoice stands', () => {
  it('is open until what is due is paid, then paid', () => {
    expect(standingOf(invoice(10n, 11n), none, 0n)).toEqual({
      status: 'open',
      amountDueNano: 11n,
      balanceDueNano: 11n,
    });
    expect(standingOf(invoice(10n, 11n), none, 10n)).toMatchObject({ status: 'open', balanceDueNano: 1n });
    expect(standingOf(invoice(10n, 11n), none, 11n)).toMatchObject({ status: 'paid', balanceDueNano: 0n });
  });

  it('a partial credit note lowers what is due; a full one makes it credited', () => {
    expect(standingOf(invoice(10n, 11n), { subtotalNano: -4n, totalNano: -5n }, 6n)).toMatchObject({
      status: 'paid',
      amountDueNano: 6n,
    });
    expect(standingOf(invoice(10n, 11n), { subtotalNano: -10n, totalNano: -11n }, 0n)).toMatchObject({
      status: 'credited',
      balanceDueNano: 0n,
    });
  });

  it('an invoice with nothing to pay is paid; a credit note is credited', () => {
    expect(standingOf(invoice(0n, 0n), none, 0n).status).toBe('paid');
    expect(standingOf({ kind: 'credit_note', subtotalNano: -5n, totalNano: -5n }, none, 0n).status).toBe(
      'credited',
    );
  });

  describe('a balance its document states as nothing', () => {
    it('is nothing due: under half a cent of what is left, in the share the document states', () => {
      // $10.004 stated as $10.00 (1000 cents): $0.004 left after a $10.00 transfer is 0.4 of a cent.
      expect(nothingStatedDue(1000n, 10_004_000_000n, 4_000_000n)).toBe(true);
      // Half a cent left is stated as a cent: still due.
      expect(nothingStatedDue(1000n, 10_000_000_000n, 5_000_000n)).toBe(false);
      expect(nothingStatedDue(1000n, 10_000_000_000n, 4_999_999n)).toBe(true);
      // An invoice whose lines all round to 0.00 states nothing at all.
      expect(nothingStatedDue(0n, 4_000_000n, 4_000_000n)).toBe(true);
      // In another currency, its own smallest unit counts: 0.4 of a fen is nothing, 0.6 is one.
      expect(nothingStatedDue(7_100n, 10_000_000_000n, 563_380n)).toBe(true);
      expect(nothingStatedDue(7_100n, 10_000_000_000n, 845_070n)).toBe(false);
    });

    it('is not said of a balance already paid or of one stated as at least a cent', () => {
      expect(nothingStatedDue(1000n, 10_000_000_000n, 0n)).toBe(false);
      expect(nothingStatedDue(1000n, 10_000_000_000n, 10_000_000_000n)).toBe(false);
      expect(nothingStatedDue(1n, 10_000_000n, 10_000_000n)).toBe(false);
    });
  });
});
