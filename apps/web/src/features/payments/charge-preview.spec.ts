import { chargePreview } from './charge-preview';

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
