// The email that carries an issued invoice: subject and text in the invoice's language, the PDF
// attached. Pure, so what the customer reads is tested without a mail server.
import type { Invoice } from '../entities/invoice.entity';
import { minorText } from '../generation/currency-conversion';
import { roundedUsd } from '../generation/rounded-usd';

export interface InvoiceEmail {
  subject: string;
  text: string;
}

export function invoiceEmail(invoice: Invoice): InvoiceEmail {
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
      ...(due && !credit ? [`Due date: ${due}`] : []),
      ...(invoice.issuer?.paymentInstructions && !credit
        ? [``, `Payment instructions:`, invoice.issuer.paymentInstructions]
        : []),
      ``,
      from,
    ].join('\n'),
  };
}
