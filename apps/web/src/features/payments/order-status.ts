// What an online order's status says in the console: a refunded one with how much was refunded (the
// API's `refundedUsd`), and, back from paying, what the payment did, where a refund of an invoice
// payment reopened the invoice rather than taking anything from the balance.
import type { TFunction } from 'i18next';
import { formatUsd } from '../../components/formatters';
import type { TopupOrder } from './api/payments-api';

type OrderStanding = Pick<TopupOrder, 'status' | 'amountUsd' | 'refundedUsd' | 'invoiceId'>;

const REFUNDED: readonly TopupOrder['status'][] = ['partially_refunded', 'refunded'];

/** "paid", or "partially refunded: $3.50 of $10.00". */
export function orderStatusText(t: TFunction, order: OrderStanding): string {
  const status = t(`payments.statuses.${order.status}`);
  if (!REFUNDED.includes(order.status)) return status;
  return t('payments.refundedOf', {
    status,
    refunded: formatUsd(order.refundedUsd),
    amount: formatUsd(order.amountUsd),
  });
}

/** The notice shown back from the provider's page. */
export function returnedMessage(t: TFunction, order: OrderStanding): string {
  const amount = formatUsd(order.amountUsd);
  if (order.invoiceId && order.status === 'paid') return t('payments.returned.invoicePaid', { amount });
  if (order.invoiceId && order.status === 'partially_refunded') {
    return t('payments.returned.invoice_partially_refunded', {
      amount,
      refunded: formatUsd(order.refundedUsd),
    });
  }
  if (order.invoiceId && order.status === 'refunded')
    return t('payments.returned.invoice_refunded', { amount });
  return t(`payments.returned.${order.status}`, { amount });
}
