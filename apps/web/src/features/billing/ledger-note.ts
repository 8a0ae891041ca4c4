// A ledger line's note in the reader's language. The gateway writes some notes itself, in English
// and always in the same words ("usage of 3 requests", "redemption code AB12…CD34", "CN-2026-000001:
// prepaid usage credited", "Stripe refund re_… of order <id>"); those are said in the UI's language. An operator's own note, or one the
// gateway words otherwise (a payment provider's reference), is shown as written.
import type { TFunction } from 'i18next';

const WRITTEN_BY_THE_GATEWAY: Array<[RegExp, (t: TFunction, match: RegExpMatchArray) => string]> = [
  [/^usage of (\d+) requests?$/, (t, [, count]) => t('billing.notes.usage', { count: Number(count) })],
  [/^redemption code (\S+)$/, (t, [, code]) => t('billing.notes.redemption', { code })],
  [/^(CN-\d{4}-\d+): prepaid usage credited$/, (t, [, number]) => t('billing.notes.creditNote', { number })],
  // Stripe's refunds and disputes of an online top-up (libs/payments, payment-reversals.ts).
  [
    /^Stripe refund (\S+) of order (\S+)$/,
    (t, [, refund, order]) => t('billing.notes.stripeRefund', { refund, order }),
  ],
  [
    /^Stripe refund (\S+) of order (\S+) failed: funds reinstated$/,
    (t, [, refund, order]) => t('billing.notes.stripeRefundFailed', { refund, order }),
  ],
  [
    /^Stripe dispute (\S+) of order (\S+): funds withdrawn$/,
    (t, [, dispute, order]) => t('billing.notes.stripeDispute', { dispute, order }),
  ],
  [
    /^Stripe dispute (\S+) of order (\S+) won: funds reinstated$/,
    (t, [, dispute, order]) => t('billing.notes.stripeDisputeWon', { dispute, order }),
  ],
];

export function ledgerNote(t: TFunction, note: string | null | undefined): string | null {
  if (!note) return null;
  for (const [pattern, say] of WRITTEN_BY_THE_GATEWAY) {
    const match = note.match(pattern);
    if (match) return say(t, match);
  }
  return note;
}
