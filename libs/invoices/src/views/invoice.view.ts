import { nanoToUsd } from '@gateway/db';
import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import {
  INVOICE_KINDS,
  INVOICE_LINE_KINDS,
  Invoice,
  InvoiceKind,
  InvoiceLineKind,
  StoredCustomer,
  StoredInvoiceLine,
  StoredInvoicePayment,
  StoredIssuer,
  StoredUnitPrices,
} from '../entities/invoice.entity';
import {
  DELIVERY_SKIP_REASONS,
  DELIVERY_STATUSES,
  DeliverySkipReason,
  DeliveryStatus,
  InvoiceDelivery,
  skipReasonOf,
} from '../entities/invoice-delivery.entity';
import {
  SETTLEMENT_SOURCES,
  SettlementSource,
  InvoiceSettlement,
} from '../entities/invoice-settlement.entity';
import type { InvoiceSettlementReversal } from '../entities/invoice-settlement-reversal.entity';
import { minorText, ROUNDING_RULE } from '../generation/currency-conversion';
import { roundedUsd, USD_ROUNDING_RULE } from '../generation/rounded-usd';
import { CREDIT_NOTE_ROUNDING_RULE } from '../generation/credit-note-statement';
import { convertedBalanceMinor } from '../settlement/converted-balance';
import { INVOICE_STATUSES, InvoiceStanding, InvoiceStatus } from '../settlement/invoice-standing';

export class UnitPricesView {
  @ApiProperty({ example: '0.15', description: 'USD per 1M input tokens' }) inputPer1M!: string;
  @ApiProperty({ example: '0.075', description: 'USD per 1M cached input tokens' }) cachedPer1M!: string;
  @ApiProperty({ example: '0.6', description: 'USD per 1M output tokens' }) outputPer1M!: string;
  @ApiProperty({ example: '0', description: 'USD per request' }) perRequest!: string;
  @ApiProperty({ description: 'the price changed in the period: these are the last; the amount is exact' })
  changedInPeriod!: boolean;

  static of(prices: StoredUnitPrices | null | undefined): UnitPricesView | null {
    if (!prices) return null;
    return {
      inputPer1M: nanoToUsd(BigInt(prices.inputPer1MNano)),
      cachedPer1M: nanoToUsd(BigInt(prices.cachedPer1MNano)),
      outputPer1M: nanoToUsd(BigInt(prices.outputPer1MNano)),
      perRequest: nanoToUsd(BigInt(prices.perRequestNano)),
      changedInPeriod: prices.changedInPeriod,
    };
  }
}

export class IssuerSnapshotView {
  @ApiProperty() legalName!: string;
  @ApiProperty() address!: string;
  @ApiProperty({ type: String, nullable: true }) taxId!: string | null;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ type: String, nullable: true }) paymentInstructions!: string | null;
  @ApiProperty({ type: String, nullable: true }) footer!: string | null;
  @ApiProperty({ type: String, nullable: true }) taxLabel!: string | null;
  @ApiProperty() paymentTermsDays!: number;

  static of(issuer: StoredIssuer | null): IssuerSnapshotView | null {
    if (!issuer) return null;
    const { logo: _logo, taxLabel, ...rest } = issuer;
    return { ...rest, taxLabel: taxLabel ?? null };
  }
}

export class CustomerView implements StoredCustomer {
  @ApiProperty() legalName!: string;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ type: String, nullable: true }) country!: string | null;
  @ApiProperty({ type: String, nullable: true }) taxId!: string | null;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
}

export class ConvertedAmountsView {
  @ApiProperty({ example: 'CNY' }) currency!: string;
  @ApiProperty({ type: [String], description: 'each line’s amount in the currency, in line order' })
  lines!: string[];
  @ApiProperty({ example: '88.86' }) subtotal!: string;
  @ApiProperty({ example: '0' }) tax!: string;
  @ApiProperty({ example: '88.86' }) total!: string;
  @ApiProperty({ example: '88.86', description: 'the total less its credit notes’ totals' })
  amountDue!: string;
  @ApiProperty({
    example: '35.62',
    description:
      'still to pay in the currency: amountDue × balanceDueUsd / amountDueUsd, half up (what paying it all online in the currency costs)',
  })
  balanceDue!: string;
  @ApiProperty({ description: 'how amounts were converted and rounded' }) roundingRule!: string;
  @ApiProperty({
    enum: ['lines', 'share_of_invoice'],
    description:
      'lines: each line rounded, tax on their sum; share_of_invoice: a credit note stating its share of what its invoice states',
  })
  rule!: RoundingRuleKind;
}

/** What is due and left to pay in the invoice's own currency (see converted-balance.ts). */
function convertedDue(standing: InvoiceStanding, digits: number): { amountDue: string; balanceDue: string } {
  const amountDueMinor = standing.amountDueMinor ?? 0n;
  return {
    amountDue: minorText(amountDueMinor, digits),
    balanceDue: minorText(
      convertedBalanceMinor(amountDueMinor, standing.amountDueNano, standing.balanceDueNano),
      digits,
    ),
  };
}

export class RoundedUsdView {
  @ApiProperty({ type: [String], example: ['12.35'], description: 'each line’s amount, in line order' })
  lines!: string[];
  @ApiProperty({ example: '12.35', description: 'the sum of the rounded lines' }) subtotal!: string;
  @ApiProperty({ example: '2.35', description: 'tax on the rounded subtotal' }) tax!: string;
  @ApiProperty({ example: '14.70', description: 'subtotal + tax' }) total!: string;
  @ApiProperty({ example: '14.70', description: 'the total less its credit notes’ totals' })
  amountDue!: string;
  @ApiProperty({ example: '0', description: 'received: amountDue − balanceDue' }) paid!: string;
  @ApiProperty({
    example: '2.35',
    description: 'still to pay: amountDue × balanceDueUsd / amountDueUsd, half up',
  })
  balanceDue!: string;
  @ApiProperty({ description: 'how the amounts were rounded' }) roundingRule!: string;
  @ApiProperty({
    enum: ['lines', 'share_of_invoice'],
    description:
      'lines: each line rounded, tax on their sum; share_of_invoice: a credit note stating its share of what its invoice states',
  })
  rule!: RoundingRuleKind;

  static of(invoice: Invoice, standing: InvoiceStanding): RoundedUsdView {
    const cents = roundedUsd(invoice);
    const balanceDue = convertedBalanceMinor(
      standing.amountDueCents,
      standing.amountDueNano,
      standing.balanceDueNano,
    );
    const paid = standing.amountDueCents - balanceDue;
    return {
      lines: cents.lineMinor.map((minor) => minorText(minor, 2)),
      subtotal: minorText(cents.subtotalMinor, 2),
      tax: minorText(cents.taxMinor, 2),
      total: minorText(cents.totalMinor, 2),
      amountDue: minorText(standing.amountDueCents, 2),
      paid: minorText(paid > 0n ? paid : 0n, 2),
      balanceDue: minorText(balanceDue, 2),
      roundingRule: invoice.statedUsd ? CREDIT_NOTE_ROUNDING_RULE : USD_ROUNDING_RULE,
      rule: roundingRuleKind(invoice),
    };
  }
}

export class InvoiceSettlementView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '13.5' }) amountUsd!: string;
  @ApiProperty() reference!: string;
  @ApiProperty({ enum: SETTLEMENT_SOURCES }) source!: SettlementSource;
  @ApiProperty() paidAt!: string;
  @ApiProperty({
    example: '0',
    description:
      'what refunds and disputes of this payment took back (USD); what stands is amountUsd less it',
  })
  reversedUsd!: string;

  static of(
    row: InvoiceSettlement,
    reversals: readonly InvoiceSettlementReversal[] = [],
  ): InvoiceSettlementView {
    const reversedNano = reversals
      .filter((reversal) => reversal.settlementId === row.id)
      .reduce((sum, reversal) => sum + reversal.amountNano, 0n);
    return {
      id: row.id,
      amountUsd: nanoToUsd(row.amountNano),
      reversedUsd: nanoToUsd(reversedNano),
      reference: row.reference,
      source: row.source,
      paidAt: row.paidAt.toISOString(),
    };
  }
}

export class InvoiceDeliveryView {
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: DeliveryStatus;
  @ApiProperty({ type: String, nullable: true }) recipient!: string | null;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({
    enum: Object.keys(DELIVERY_SKIP_REASONS),
    nullable: true,
    description: 'why a skipped delivery was skipped (lastError says it in English)',
  })
  skipReason!: DeliverySkipReason | null;
  @ApiProperty({ type: String, nullable: true }) sentAt!: string | null;

  static of(row: InvoiceDelivery | null): InvoiceDeliveryView | null {
    if (!row) return null;
    return {
      status: row.status,
      recipient: row.recipient,
      attempts: row.attempts,
      lastError: row.lastError,
      skipReason: skipReasonOf(row),
      sentAt: row.sentAt?.toISOString() ?? null,
    };
  }
}

/** The audit log's entityType of an invoice or credit note. */
export const INVOICE_AUDIT_TYPE = 'invoice';
/** The audit log's entityType of a payment recorded against an invoice. */
export const INVOICE_PAYMENT_AUDIT_TYPE = 'invoice_payment';
/** The audit log's entityType of an invoice's email delivery (sending it again). */
export const INVOICE_DELIVERY_AUDIT_TYPE = 'invoice_delivery';

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
  @ApiProperty({
    example: '0.0123',
    description:
      'USD, every nano-dollar; a usage line at its prices, negative for what a plan included or what was written off beyond the holds',
  })
  amountUsd!: string;
  @ApiProperty({ type: UnitPricesView, nullable: true, description: 'usage lines: the unit prices charged' })
  unitPrices!: UnitPricesView | null;

  static of(line: StoredInvoiceLine): InvoiceLineView {
    const { amountNano, unitPrices, cacheWriteTokens, ...rest } = line;
    return {
      ...rest,
      cacheWriteTokens: cacheWriteTokens ?? null,
      amountUsd: nanoToUsd(BigInt(amountNano)),
      unitPrices: UnitPricesView.of(unitPrices),
    };
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
  @ApiProperty({
    enum: INVOICE_STATUSES,
    description: 'open until paid or credited in full (a credit note is `credited`)',
  })
  status!: InvoiceStatus;
  @ApiProperty({
    example: 'CNY',
    description: 'ISO 4217: what the invoice is stated in; *Usd fields stay USD',
  })
  currency!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '7.1234',
    description: 'units of currency per USD, fixed at issue',
  })
  exchangeRate!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-10',
    description: 'the month whose rate was used',
  })
  exchangeRatePeriod!: string | null;
  @ApiProperty({
    type: ConvertedAmountsView,
    nullable: true,
    description: 'the amounts in `currency` (null for USD)',
  })
  converted!: ConvertedAmountsView | null;
  @ApiProperty({
    type: RoundedUsdView,
    description:
      'the USD amounts as the invoice states them, to the cent (the *Usd fields keep every nano-dollar)',
  })
  roundedUsd!: RoundedUsdView;
  @ApiProperty({ example: 'zh-CN', description: 'the PDF’s language' }) language!: string;
  @ApiProperty({ type: IssuerSnapshotView, nullable: true, description: 'the issuer as it was at issue' })
  issuer!: IssuerSnapshotView | null;
  @ApiProperty({ type: CustomerView, nullable: true, description: 'the customer as it was at issue' })
  customer!: CustomerView | null;
  @ApiProperty({ type: String, nullable: true, description: 'issue date + the payment terms' })
  dueAt!: string | null;
  @ApiProperty({ example: '13.5', description: 'USD: total less credit notes' }) amountDueUsd!: string;
  @ApiProperty({ example: '0', description: 'USD received (payments recorded against it)' }) paidUsd!: string;
  @ApiProperty({ example: '13.5', description: 'USD still to pay' }) balanceDueUsd!: string;
  @ApiProperty({ type: [InvoiceSettlementView], description: 'payments received against this invoice' })
  settlements!: InvoiceSettlementView[];
  @ApiProperty({ type: InvoiceDeliveryView, nullable: true, description: 'the email to the customer' })
  delivery!: InvoiceDeliveryView | null;
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

  static of(invoice: Invoice, pdfReady: boolean, standing: InvoiceStanding): InvoiceView {
    const digits = invoice.converted?.minorDigits ?? 2;
    return {
      id: invoice.id,
      kind: invoice.kind,
      number: invoice.number,
      tenantId: invoice.tenantId,
      period: invoice.period,
      periodStart: invoice.periodStart.toISOString(),
      periodEnd: invoice.periodEnd.toISOString(),
      timezone: invoice.timezone,
      status: standing.status,
      currency: invoice.currency,
      exchangeRate: invoice.exchangeRate,
      exchangeRatePeriod: invoice.exchangeRatePeriod,
      converted: invoice.converted
        ? {
            currency: invoice.currency,
            lines: invoice.converted.lineMinor.map((minor) => minorText(minor, digits)),
            subtotal: minorText(invoice.converted.subtotalMinor, digits),
            tax: minorText(invoice.converted.taxMinor, digits),
            total: minorText(invoice.converted.totalMinor, digits),
            ...convertedDue(standing, digits),
            roundingRule: invoice.statedUsd ? CREDIT_NOTE_ROUNDING_RULE : ROUNDING_RULE,
            rule: roundingRuleKind(invoice),
          }
        : null,
      roundedUsd: RoundedUsdView.of(invoice, standing),
      language: invoice.language,
      issuer: IssuerSnapshotView.of(invoice.issuer),
      customer: invoice.customer,
      dueAt: invoice.dueAt?.toISOString() ?? null,
      amountDueUsd: nanoToUsd(standing.amountDueNano),
      paidUsd: nanoToUsd(standing.paidNano),
      balanceDueUsd: nanoToUsd(standing.balanceDueNano),
      settlements: standing.settlements.map((row) => InvoiceSettlementView.of(row, standing.reversals)),
      delivery: InvoiceDeliveryView.of(standing.delivery),
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

/** Which rounding rule a document's stated amounts follow (a client shows the rule's text in its language). */
export type RoundingRuleKind = 'lines' | 'share_of_invoice';

function roundingRuleKind(invoice: Pick<Invoice, 'statedUsd'>): RoundingRuleKind {
  return invoice.statedUsd ? 'share_of_invoice' : 'lines';
}
