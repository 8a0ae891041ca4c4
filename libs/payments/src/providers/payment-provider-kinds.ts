// The payment providers a tenant can top up through, and what each needs to be configured.

export const PAYMENT_PROVIDERS = ['stripe', 'epay'] as const;
export type PaymentProviderKind = (typeof PAYMENT_PROVIDERS)[number];

/** EPay (易支付) payment types a customer may pick: Alipay and WeChat Pay. */
export const EPAY_METHODS = ['alipay', 'wxpay'] as const;
export type EpayMethod = (typeof EPAY_METHODS)[number];

/** Currencies a provider may charge in, with their minor-unit digits (ISO 4217). */
export const PAYMENT_CURRENCIES = {
  usd: 2,
  cny: 2,
  eur: 2,
  gbp: 2,
  hkd: 2,
  sgd: 2,
  jpy: 0,
} as const;
export type PaymentCurrency = keyof typeof PAYMENT_CURRENCIES;

export function isPaymentCurrency(value: unknown): value is PaymentCurrency {
  return typeof value === 'string' && Object.hasOwn(PAYMENT_CURRENCIES, value);
}

/** EPay gateways take `money` in yuan: an EPay provider always charges CNY. */
export const EPAY_CURRENCY: PaymentCurrency = 'cny';
