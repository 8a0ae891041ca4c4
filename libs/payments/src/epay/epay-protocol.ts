// EPay (易支付) as its merchant protocol documents it: the customer is sent to
// `<gateway>/submit.php` with the order signed (pid, type, out_trade_no, notify_url, return_url,
// name, money, sign, sign_type=MD5); once paid, the gateway calls notify_url with the trade signed
// the same way (trade_no, out_trade_no, type, name, money, trade_status=TRADE_SUCCESS) and expects
// the body `success`, calling again until it gets it.
import type { TopupOrder } from '../entities/topup-order.entity';
import { formatMinor, parseMinor } from '../orders/charge-amount';
import type { PaymentNotice } from '../orders/payment-notice';
import type { EpayAccount } from '../providers/payment-providers.service';
import { EpayParams, epaySign, epayVerify } from './epay-sign';

/** What the gateway must read as acknowledged; anything else makes it notify again. */
export const EPAY_ACK = 'success';
export const EPAY_PAID_STATUS = 'TRADE_SUCCESS';

/** out_trade_no: the order's id as 32 hex digits (some gateways refuse "-"). */
export function epayTradeNo(orderId: string): string {
  return orderId.replace(/-/g, '');
}

export function orderIdOfTradeNo(tradeNo: string): string | null {
  const hex = tradeNo.toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface EpaySubmit {
  notifyUrl: string;
  returnUrl: string;
  name: string;
}

/** The signed URL the customer's browser is sent to. */
export function epaySubmitUrl(account: EpayAccount, order: TopupOrder, submit: EpaySubmit): string {
  const params: Record<string, string> = {
    pid: account.pid,
    type: order.method ?? '',
    out_trade_no: epayTradeNo(order.id),
    notify_url: submit.notifyUrl,
    return_url: submit.returnUrl,
    name: submit.name,
    money: formatMinor(order.chargeMinor, order.currency),
  };
  params['sign'] = epaySign(params, account.key);
  params['sign_type'] = 'MD5';
  return `${account.gatewayUrl}/submit.php?${new URLSearchParams(params).toString()}`;
}

/**
 * A notification's parameters (query string or form body), verified: null when the merchant id or
 * the MD5 sign is wrong. Only string values count; a repeated parameter is not a signed value.
 */
export function epayNotice(raw: Record<string, unknown>, account: EpayAccount): PaymentNotice | null {
  const params: EpayParams = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') params[key] = value;
  }
  if (params['pid'] !== account.pid || !epayVerify(params, account.key)) return null;
  const tradeNo = params['trade_no'] ?? '';
  const status = params['trade_status'] ?? '';
  const base = {
    provider: 'epay' as const,
    eventId: `${tradeNo}:${status}`.slice(0, 255),
    type: status || 'unknown',
    orderId: orderIdOfTradeNo(params['out_trade_no'] ?? ''),
    providerRef: tradeNo.slice(0, 255),
  };
  if (status !== EPAY_PAID_STATUS) return { ...base, outcome: 'pending' };
  return {
    ...base,
    outcome: 'paid',
    // EPay charges yuan; an unreadable money is a mismatch (-1), never a credit.
    paid: { currency: account.currency, minor: parseMinor(params['money'] ?? '', account.currency) ?? -1n },
  };
}
