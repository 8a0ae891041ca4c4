import { chargePreview, invoiceChargePreview } from './charge-preview';

describe('chargePreview', () => {
  it('matches the api’s exact, half-up conversion', () => {
    expect(chargePreview('10', '7.2', 'cny')).toBe('72.00');
    expect(chargePreview('12.5', '1', 'usd')).toBe('12.50');
    expect(chargePreview('0.015', '7.1', 'cny')).toBe('0.11');
    expect(chargePreview('7', '151.234567', 'jpy')).toBe('1059');
  });

  it('shows nothing for an amount that is not one yet', () => {
    expect(chargePreview('', '7.2', 'cny')).toBeNull();
    expect(chargePreview('1.', '7.2', 'cny')).toBeNull();
    expect(chargePreview('-1', '7.2', 'cny')).toBeNull();
  });
});

describe('invoiceChargePreview', () => {
  // 15.427973246 USD states 109.92 CNY (its lines converted one by one), not 15.427973246 × rate.
  const due = {
    currency: 'CNY',
    amountDue: '109.92',
    amountDueUsd: '15.427973246',
    balanceDueUsd: '15.427973246',
  };

  it('charges what the invoice states in its currency, its share for a part, the rest for the last', () => {
    expect(invoiceChargePreview('15.427973246', due)).toBe('109.92');
    expect(invoiceChargePreview('5', due)).toBe('35.62');
    expect(invoiceChargePreview('10.427973246', { ...due, balanceDueUsd: '10.427973246' })).toBe('74.30');
  });

  it('shows nothing for an amount that is not one yet', () => {
    expect(invoiceChargePreview('', due)).toBeNull();
    expect(invoiceChargePreview('1.', due)).toBeNull();
  });
});
