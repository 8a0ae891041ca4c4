// The email that carries an issued invoice: subject and text in the invoice's language, the PDF
// attached. Pure, so what the customer reads is tested without a mail server.
import type { Invoice } from '../entities/invoice.entity';
import { minorText } from '../generation/currency-conversion';
import { roundedUsd } from '../generation/rounded-usd';
import { convertedBalanceMinor } from '../settlement/converted-balance';
import type { InvoiceStanding } from '../settlement/invoice-standing';

/** Where the invoice stands as the email goes (what its documents state due, and left to pay). */
export type EmailStanding = Pick<
  InvoiceStanding,
  'amountDueNano' | 'balanceDueNano' | 'amountDueCents' | 'amountDueMinor'
>;

export interface InvoiceEmail {
  subject: string;
  text: string;
}

/**
 * `standing`, for an invoice: what is left to pay is said beside the total when part of it is paid
 * already (the prepaid balance pays the usage at issue, so usually only tax and fees are left).
 */
export function invoiceEmail(invoice: Invoice, standing?: EmailStanding): InvoiceEmail {
  const zh = invoice.language === 'zh-CN';
  const from = invoice.issuer?.legalName ?? '';
  const credit = invoice.kind === 'credit_note';
  // What the attached document states (cents, or the currency's minor unit), never the ledger's
  // nano-dollars: a reader compares the two.
  const usd = roundedUsd(invoice);
  const statedUsd = `${minorText(usd.totalMinor, usd.minorDigits)} USD`;
  const amount = invoice.converted
    ? `${minorText(invoice.converted.totalMinor, invoice.converted.minorDigits)} ${invoice.currency} (${statedUsd})`
    : statedUsd;
  const left = credit || !standing ? null : leftToPay(invoice, standing);
  const due = invoice.dueAt?.toISOString().slice(0, 10);
  if (zh) {
    const title = credit ? '红字发票' : '发票';
    return {
      subject: `${title} ${invoice.number}${from ? ` — ${from}` : ''}`,
      text: [
        `您好，`,
        ``,
        `附件为 ${invoice.period} 账期的${title} ${invoice.number}。`,
        `金额：${amount}`,
        ...(left === null ? [] : [`待付金额：${left}`]),
        ...(due && !credit ? [`付款截止日期：${due}`] : []),
        ...(invoice.issuer?.paymentInstructions && !credit
          ? [``, `付款方式：`, invoice.issuer.paymentInstructions]
          : []),
        ``,
        from,
      ].join('\n'),
    };
  }
  const title = credit ? 'Credit note' : 'Invoice';
  return {
    subject: `${title} ${invoice.number}${from ? ` from ${from}` : ''}`,
    text: [
      `Hello,`,
      ``,
      `Attached is ${title.toLowerCase()} ${invoice.number} for ${invoice.period}.`,
      `Amount: ${amount}`,
      ...(left === null ? [] : [`Left to pay: ${left}`]),
      ...(due && !credit ? [`Due date: ${due}`] : []),
      ...(invoice.issuer?.paymentInstructions && !credit
        ? [``, `Payment instructions:`, invoice.issuer.paymentInstructions]
        : []),
      ``,
      from,
    ].join('\n'),
  };
}

/**
 * What is left to pay as the documents and the API state it (RoundedUsdView, `converted`), when it is
 * less than the total; null when nothing is paid yet (the amount is what is due).
 */
function leftToPay(invoice: Invoice, standing: EmailStanding): string | null {
  if (standing.balanceDueNano >= standing.amountDueNano) return null;
  const usdMinor = convertedBalanceMinor(
    standing.amountDueCents,
    standing.amountDueNano,
    standing.balanceDueNano,
  );
  const usd = `${minorText(usdMinor, 2)} USD`;
  if (!invoice.converted || standing.amountDueMinor === null) return usd;
  const minor = convertedBalanceMinor(
    standing.amountDueMinor,
    standing.amountDueNano,
    standing.balanceDueNano,
  );
  return `${minorText(minor, invoice.converted.minorDigits)} ${invoice.currency} (${usd})`;
}
