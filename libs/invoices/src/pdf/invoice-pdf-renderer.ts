// Renders an issued invoice (or credit note) to PDF with pdfkit, in a font that covers Chinese.
// The document's dates are the invoice's, so rendering the same invoice twice gives the same text.
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { nanoToUsd } from '@gateway/db';
import PDFDocument from 'pdfkit';
import type { Invoice } from '../entities/invoice.entity';
import { CjkFont, FontFace, loadCjkFont } from './cjk-font';

const REGULAR = 'cjk';
const BOLD = 'cjk-bold';
const MARGIN = 50;

/** Column x positions and widths of the lines table (A4 is 595 pt wide). */
const COLUMNS = {
  description: { x: MARGIN, width: 205 },
  requests: { x: 255, width: 55 },
  input: { x: 310, width: 75 },
  output: { x: 385, width: 75 },
  amount: { x: 460, width: 85 },
} as const;

const KIND_LABELS: Record<string, string> = {
  topup: 'Top-up',
  redemption: 'Redemption code',
  adjustment: 'Adjustment',
  refund: 'Refund',
};

export function invoiceFilename(invoice: Pick<Invoice, 'number'>): string {
  return `${invoice.number}.pdf`;
}

@Injectable()
export class InvoicePdfRenderer implements OnModuleInit {
  private font: CjkFont | undefined;

  /** Fails the worker's startup, with what to install, when no CJK font is there. */
  onModuleInit(): void {
    this.font ??= loadCjkFont();
    new Logger('Invoices').log(`invoice PDFs set in ${this.font.source}`);
  }

  async render(invoice: Invoice): Promise<Buffer> {
    const font = (this.font ??= loadCjkFont());
    const title = invoice.kind === 'credit_note' ? 'Credit note' : 'Invoice';
    const doc = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      info: {
        Title: `${title} ${invoice.number}`,
        Author: 'LLM gateway',
        CreationDate: invoice.issuedAt,
        ModDate: invoice.issuedAt,
      },
    });
    const done = collect(doc);
    register(doc, REGULAR, font.regular);
    register(doc, BOLD, font.bold);

    doc.font(BOLD).fontSize(20).text(`${title} ${invoice.number}`);
    doc.moveDown(0.5);
    doc.font(REGULAR).fontSize(10);
    doc.text(`Issued: ${invoice.issuedAt.toISOString().slice(0, 10)}`);
    doc.text(`Period: ${invoice.period} (${invoice.timezone})`);
    doc.text(`Currency: ${invoice.currency}`);
    if (invoice.creditNoteOf) doc.text(`Corrects invoice: ${invoice.creditNoteOf}`);
    if (invoice.reason) doc.text(`Reason: ${invoice.reason}`);
    doc.moveDown();
    doc.font(BOLD).text('Bill to');
    doc.font(REGULAR).text(invoice.billingName);
    if (invoice.billingEmail) doc.text(invoice.billingEmail);
    doc.moveDown();

    this.row(doc, BOLD, ['Description', 'Requests', 'Input tokens', 'Output tokens', 'Amount (USD)']);
    for (const line of invoice.lines) {
      this.row(doc, REGULAR, [
        line.description,
        line.requests === null ? '' : String(line.requests),
        line.inputTokens ?? '',
        line.outputTokens ?? '',
        money(BigInt(line.amountNano)),
      ]);
    }
    doc.moveDown(0.5);
    this.total(doc, REGULAR, 'Subtotal', invoice.subtotalNano);
    this.total(doc, REGULAR, `Tax (${percent(invoice.taxRate)})`, invoice.taxNano);
    this.total(doc, BOLD, 'Total', invoice.totalNano);

    if (invoice.payments.length > 0) {
      doc.moveDown();
      doc.x = MARGIN;
      doc.font(BOLD).text('Payments and credits in the period (not part of the total)');
      for (const payment of invoice.payments) {
        const label = `${payment.date.slice(0, 10)}  ${KIND_LABELS[payment.kind] ?? payment.kind}`;
        this.row(doc, REGULAR, [
          payment.note ? `${label}: ${payment.note}` : label,
          '',
          '',
          '',
          money(BigInt(payment.amountNano)),
        ]);
      }
    }
    doc.end();
    return done;
  }

  private row(doc: PDFKit.PDFDocument, font: string, cells: [string, string, string, string, string]): void {
    if (doc.y > doc.page.height - MARGIN * 2) doc.addPage();
    const y = doc.y;
    doc.font(font).fontSize(9);
    let bottom = y;
    Object.values(COLUMNS).forEach((column, i) => {
      const cell = cells[i] ?? '';
      doc.text(cell, column.x, y, { width: column.width, align: i === 0 ? 'left' : 'right' });
      bottom = Math.max(bottom, doc.y);
    });
    doc.x = MARGIN;
    doc.y = bottom + 3;
  }

  private total(doc: PDFKit.PDFDocument, font: string, label: string, nano: bigint): void {
    const y = doc.y;
    doc.font(font).fontSize(10);
    doc.text(label, COLUMNS.input.x, y, {
      width: COLUMNS.input.width + COLUMNS.output.width,
      align: 'right',
    });
    doc.text(money(nano), COLUMNS.amount.x, y, { width: COLUMNS.amount.width, align: 'right' });
    doc.x = MARGIN;
    doc.moveDown(0.2);
  }
}

/** USD as finance reads it: at least cents, and every nano-dollar there is ("1.50", "0.000405"). */
export function money(nano: bigint): string {
  const usd = nanoToUsd(nano);
  const [whole, fraction = ''] = usd.split('.');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

/** A decimal rate ("0.08", "0.075") as a percentage ("8%", "7.5%"), exactly: the point moves two places. */
export function percent(rate: string): string {
  const [whole = '0', fraction = ''] = rate.split('.');
  const digits = `${whole}${fraction.padEnd(2, '0')}`;
  const cut = whole.length + 2;
  const integer = digits.slice(0, cut).replace(/^0+(?=\d)/, '');
  const rest = digits.slice(cut).replace(/0+$/, '');
  return `${integer}${rest ? `.${rest}` : ''}%`;
}

function register(doc: PDFKit.PDFDocument, name: string, face: FontFace): void {
  if (face.family) doc.registerFont(name, face.data, face.family);
  else doc.registerFont(name, face.data);
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}
