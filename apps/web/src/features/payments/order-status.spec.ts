import i18next from 'i18next';
import en from '../../i18n/locales/en.json';
import zhCN from '../../i18n/locales/zh-CN.json';
import { orderStatusText, returnedMessage } from './order-status';

// The formatters follow the UI language; English here (the real i18n setup needs a browser).
jest.mock('../../i18n', () => ({ __esModule: true, default: { resolvedLanguage: 'en' } }));

describe('an online order’s status in the orders table', () => {
  const i18n = i18next.createInstance();
  beforeAll(async () => {
    await i18n.init({
      resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
      lng: 'en',
      interpolation: { escapeValue: false },
    });
  });
  const order = (status: string, refundedUsd = '0', invoiceId: string | null = null) => ({
    status: status as 'paid',
    amountUsd: '10',
    refundedUsd,
    invoiceId,
  });

  it('says how much of a refunded order was refunded', () => {
    const t = i18n.getFixedT('en');
    expect(orderStatusText(t, order('partially_refunded', '3.5'))).toBe(
      'partially refunded: $3.50 of $10.00',
    );
    expect(orderStatusText(t, order('refunded', '10'))).toBe('refunded: $10.00 of $10.00');
    expect(orderStatusText(t, order('paid'))).toBe('paid');
    expect(orderStatusText(i18n.getFixedT('zh-CN'), order('partially_refunded', '3.5'))).toBe(
      '部分退款：$10.00 中的 $3.50',
    );
  });

  it('says a refund of an invoice payment reopened the invoice, not that the balance paid it', () => {
    const t = i18n.getFixedT('en');
    expect(returnedMessage(t, order('partially_refunded', '4', 'inv-1'))).toBe(
      'Part of the payment of $10.00 was refunded through the provider: $4.00 is due on the invoice again.',
    );
    expect(returnedMessage(t, order('partially_refunded', '4'))).toBe(
      'Part of the payment of $10.00 was refunded through the provider and taken back from the balance.',
    );
    expect(returnedMessage(t, order('paid', '0', 'inv-1'))).toBe(
      'Payment received: $10.00 was recorded on the invoice.',
    );
  });
});
