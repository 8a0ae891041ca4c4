import type { TopupOrder } from '../entities/topup-order.entity';
import type { EpayAccount } from '../providers/payment-providers.service';
import { epayNotice, epaySubmitUrl, epayTradeNo, orderIdOfTradeNo } from './epay-protocol';
import { epaySign, epayVerify } from './epay-sign';

const ACCOUNT: EpayAccount = {
  enabled: true,
  currency: 'cny',
  usdRate: '7.2',
  gatewayUrl: 'https://pay.example.com',
  pid: '1001',
  key: 'merchant-key-0123456789',
  methods: ['alipay', 'wxpay'],
};
const ORDER_ID = '9f1c0d6e-2b7a-4c1e-8d3f-5a6b7c8d9e0f';
const ORDER = { id: ORDER_ID, method: 'alipay', chargeMinor: 7200n, currency: 'cny' } as TopupOrder;

function signed(params: Record<string, string>, key = ACCOUNT.key): Record<string, string> {
  return { ...params, sign: epaySign(params, key), sign_type: 'MD5' };
}

describe('EPay protocol', () => {
  it('sends the customer to submit.php with the order signed by the merchant key', () => {
    const url = new URL(
      epaySubmitUrl(ACCOUNT, ORDER, {
        notifyUrl: 'https://gw.example.com/api/payments/epay/notify',
        returnUrl: 'https://gw.example.com/billing?topup=x',
        name: 'Top-up 10 USD',
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe('https://pay.example.com/submit.php');
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      pid: '1001',
      type: 'alipay',
      out_trade_no: '9f1c0d6e2b7a4c1e8d3f5a6b7c8d9e0f',
      money: '72.00',
      sign_type: 'MD5',
    });
    expect(epayVerify(params, ACCOUNT.key)).toBe(true);
  });

  it('maps out_trade_no back to the order, and refuses anything else', () => {
    expect(orderIdOfTradeNo(epayTradeNo(ORDER_ID))).toBe(ORDER_ID);
    expect(orderIdOfTradeNo('../etc/passwd')).toBeNull();
    expect(orderIdOfTradeNo('')).toBeNull();
  });

  const paid = {
    pid: '1001',
    trade_no: '2026120300001',
    out_trade_no: epayTradeNo(ORDER_ID),
    type: 'alipay',
    name: 'Top-up 10 USD',
    money: '72.00',
    trade_status: 'TRADE_SUCCESS',
  };

  it('reads a verified TRADE_SUCCESS as paid, in fen', () => {
    expect(epayNotice(signed(paid), ACCOUNT)).toEqual({
      provider: 'epay',
      eventId: '2026120300001:TRADE_SUCCESS',
      type: 'TRADE_SUCCESS',
      orderId: ORDER_ID,
      providerRef: '2026120300001',
      outcome: 'paid',
      paid: { currency: 'cny', minor: 7200n },
    });
    expect(epayNotice(signed({ ...paid, trade_status: 'WAIT_BUYER_PAY' }), ACCOUNT)?.outcome).toBe('pending');
    // Unreadable money is never a credit: it cannot equal an order's positive charge.
    expect(epayNotice(signed({ ...paid, money: 'lots' }), ACCOUNT)?.paid?.minor).toBe(-1n);
  });

  it('refuses another merchant, another key, a changed value or a repeated parameter', () => {
    expect(epayNotice(signed({ ...paid, pid: '1002' }), ACCOUNT)).toBeNull();
    expect(epayNotice(signed(paid, 'other-key'), ACCOUNT)).toBeNull();
    expect(epayNotice({ ...signed(paid), money: '720.00' }, ACCOUNT)).toBeNull();
    expect(epayNotice({ ...signed(paid), sign: [signed(paid)['sign']] }, ACCOUNT)).toBeNull();
  });
});
