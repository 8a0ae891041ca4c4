import { standingOf } from './invoice-standing';

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
});
