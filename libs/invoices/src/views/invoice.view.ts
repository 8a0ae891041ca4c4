import { nanoToUsd } from '@gateway/db';
import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common';
import {
  INVOICE_KINDS,
  INVOICE_LINE_KINDS,
  Invoice,
  InvoiceKind,
  InvoiceLineKind,
  StoredInvoiceLine,
  StoredInvoicePayment,
} from '../entities/invoice.entity';

/** The audit log's entityType of an invoice or credit note. */
export const INVOICE_AUDIT_TYPE = 'invoice';

export class InvoiceLineView {
  @ApiProperty({ enum: INVOICE_LINE_KINDS }) kind!: InvoiceLineKind;
  @ApiProperty({ example: 'gpt-4o-mini' }) description!: string;
  @ApiProperty({ type: String, nullable: true, description: 'usage lines: the model' }) model!: string | null;
  @ApiProperty({ type: Number, nullable: true }) requests!: number | null;
  @ApiProperty({ type: String, nullable: true, example: '120000' }) inputTokens!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '0' }) cachedTokens!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '0',
    description:
      "usage lines: prompt tokens written to the provider's cache (null on invoices issued before they were metered apart)",
  })
  cacheWriteTokens!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '3400' }) outputTokens!: string | null;
  @ApiProperty({ example: '0.0123', description: 'USD; negative for what a plan included' })
  amountUsd!: string;

  static of(line: StoredInvoiceLine): InvoiceLineView {
    const { amountNano, cacheWriteTokens, ...rest } = line;
    return { ...rest, cacheWriteTokens: cacheWriteTokens ?? null, amountUsd: nanoToUsd(BigInt(amountNano)) };
  }
}

export class InvoicePaymentView {
  @ApiProperty({ format: 'uuid' }) ledgerEntryId!: string;
  @ApiProperty({ example: 'topup', description: 'the ledger kind: topup, redemption, adjustment, refund' })
  kind!: string;
  @ApiProperty() date!: string;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ example: '25' }) amountUsd!: string;

  static of(payment: StoredInvoicePayment): InvoicePaymentView {
    const { amountNano, ...rest } = payment;
    return { ...rest, amountUsd: nanoToUsd(BigInt(amountNano)) };
  }
}

/** An issued invoice or credit note, as /api shows it; money as decimal USD strings. */
export class InvoiceView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: INVOICE_KINDS }) kind!: InvoiceKind;
  @ApiProperty({ example: 'INV-2026-000001' }) number!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ example: '2026-10' }) period!: string;
  @ApiProperty() periodStart!: string;
  @ApiProperty() periodEnd!: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timezone!: string;
  @ApiProperty({ enum: ['issued'] }) status!: 'issued';
  @ApiProperty({ enum: ['USD'] }) currency!: 'USD';
  @ApiProperty() billingName!: string;
  @ApiProperty({ type: String, nullable: true }) billingEmail!: string | null;
  @ApiProperty({ type: [InvoiceLineView] }) lines!: InvoiceLineView[];
  @ApiProperty({
    type: [InvoicePaymentView],
    description: 'credits of the period (top-ups, redemptions, adjustments): shown, not part of the total',
  })
  payments!: InvoicePaymentView[];
  @ApiProperty({ example: '12.5', description: 'the sum of the lines' }) subtotalUsd!: string;
  @ApiProperty({ example: '0.08' }) taxRate!: string;
  @ApiProperty({ example: '1' }) taxUsd!: string;
  @ApiProperty({ example: '13.5', description: 'subtotal + tax' }) totalUsd!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'a credit note: the invoice it corrects',
  })
  creditNoteOf!: string | null;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty() issuedAt!: string;
  @ApiProperty({ description: 'whether GET /api/invoices/{id}/pdf has the PDF yet' }) pdfReady!: boolean;

  static of(invoice: Invoice, pdfReady: boolean): InvoiceView {
    return {
      id: invoice.id,
      kind: invoice.kind,
      number: invoice.number,
      tenantId: invoice.tenantId,
      period: invoice.period,
      periodStart: invoice.periodStart.toISOString(),
      periodEnd: invoice.periodEnd.toISOString(),
      timezone: invoice.timezone,
      status: invoice.status,
      currency: invoice.currency,
      billingName: invoice.billingName,
      billingEmail: invoice.billingEmail,
      lines: invoice.lines.map((line) => InvoiceLineView.of(line)),
      payments: invoice.payments.map((payment) => InvoicePaymentView.of(payment)),
      subtotalUsd: nanoToUsd(invoice.subtotalNano),
      taxRate: invoice.taxRate,
      taxUsd: nanoToUsd(invoice.taxNano),
      totalUsd: nanoToUsd(invoice.totalNano),
      creditNoteOf: invoice.creditNoteOf,
      reason: invoice.reason,
      issuedAt: invoice.issuedAt.toISOString(),
      pdfReady,
    };
  }
}

export class InvoicePageView extends PageOf(InvoiceView) {}

/** The answer to a generate (or credit note) request: the id is known at once. */
export class InvoiceRequestView {
  @ApiProperty({
    format: 'uuid',
    description: 'the invoice’s id: GET /api/invoices/{id} answers 404 until issued',
  })
  id!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ example: '2026-10' }) period!: string;
  @ApiProperty({
    enum: ['queued', 'issued'],
    description: 'issued: it existed (200, `invoice` set); queued: the worker issues it shortly (202)',
  })
  status!: 'queued' | 'issued';
  @ApiProperty({ type: InvoiceView, nullable: true }) invoice!: InvoiceView | null;
}
