// The ways to pay online a form offers: Stripe Checkout as one, EPay as one per enabled method.
import type { PaymentOption, TopupOrder } from './api/payments-api';

/** A choice of the form: `stripe`, or `epay:alipay` / `epay:wxpay`. */
export type Way = string;
/** What a way of paying is called: the provider, or EPay's method. */
export type WayName = 'stripe' | 'epay' | 'alipay' | 'wxpay';

export interface WayChoice {
  way: Way;
  option: PaymentOption;
  method?: 'alipay' | 'wxpay';
  name: WayName;
}

export function ways(options: PaymentOption[]): WayChoice[] {
  return options.flatMap((option): WayChoice[] =>
    option.provider === 'epay'
      ? option.methods.map((method) => ({ way: `epay:${method}`, option, method, name: method }))
      : [{ way: option.provider, option, name: option.provider }],
  );
}

export const wayName = (order: TopupOrder): WayName =>
  (order.method as 'alipay' | 'wxpay' | null) ?? order.provider;
