import i18next from 'i18next';
import en from '../../i18n/locales/en.json';
import zhCN from '../../i18n/locales/zh-CN.json';
import { ledgerNote } from './ledger-note';

describe('ledgerNote (a ledger line’s note in the UI’s language)', () => {
  const i18n = i18next.createInstance();
  beforeAll(async () => {
    await i18n.init({
      resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
      lng: 'zh-CN',
      interpolation: { escapeValue: false },
    });
  });
  const note = (text: string | null, lng = 'zh-CN') => ledgerNote(i18n.getFixedT(lng), text);

  it('says the notes the gateway writes (libs/billing, libs/invoices) in Chinese', () => {
    expect(note('usage of 1 request')).toBe('1 次请求的用量');
    expect(note('usage of 12 requests')).toBe('12 次请求的用量');
    expect(note('redemption code WG98…9389')).toBe('兑换码 WG98…9389');
    expect(note('CN-2026-000001: prepaid usage credited')).toBe('CN-2026-000001：退回预付用量');
  });

  it('says the notes of Stripe’s refunds and disputes (libs/payments) in Chinese', () => {
    const order = '0f1e2d3c-4b5a-4697-8877-665544332211';
    expect(note(`Stripe refund re_3Q8x of order ${order}`)).toBe(`Stripe 退款 re_3Q8x（订单 ${order}）`);
    expect(note(`Stripe refund re_3Q8x of order ${order} failed: funds reinstated`)).toBe(
      `Stripe 退款 re_3Q8x（订单 ${order}）失败：资金已退回余额`,
    );
    expect(note(`Stripe dispute dp_1Mz of order ${order}: funds withdrawn`)).toBe(
      `Stripe 争议 dp_1Mz（订单 ${order}）：资金已扣回`,
    );
    expect(note(`Stripe dispute dp_1Mz of order ${order} won: funds reinstated`)).toBe(
      `Stripe 争议 dp_1Mz（订单 ${order}）胜诉：资金已退回余额`,
    );
  });

  it('says them as written in English', () => {
    for (const text of ['usage of 1 request', 'usage of 12 requests', 'redemption code WG98…9389']) {
      expect(note(text, 'en')).toBe(text);
    }
    expect(note('CN-2026-000001: prepaid usage credited', 'en')).toBe(
      'CN-2026-000001: prepaid usage credited',
    );
    const order = '0f1e2d3c-4b5a-4697-8877-665544332211';
    for (const text of [
      `Stripe refund re_3Q8x of order ${order}`,
      `Stripe refund re_3Q8x of order ${order} failed: funds reinstated`,
      `Stripe dispute dp_1Mz of order ${order}: funds withdrawn`,
      `Stripe dispute dp_1Mz of order ${order} won: funds reinstated`,
    ]) {
      expect(note(text, 'en')).toBe(text);
    }
  });

  it('keeps an operator’s own note, and a payment’s reference, as written', () => {
    expect(note('usage of the whole team, refunded by hand')).toBe(
      'usage of the whole team, refunded by hand',
    );
    expect(note('EPay alipay 2026120612345')).toBe('EPay alipay 2026120612345');
    expect(note(null)).toBeNull();
  });
});
