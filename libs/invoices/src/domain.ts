// Invoices without their HTTP face (`@gateway/invoices/domain`): what the worker and code that runs
// in it may import. Nothing reachable from here loads a controller, a DTO or a view (docs/design.md,
// "Layers"); index.ts adds /api/invoices.
export { INVOICES_ENTITIES } from './invoices.entities';
export { InvoicesWorkerModule } from './invoices-worker.module';
export { Invoice, INVOICE_KINDS, INVOICE_LINE_KINDS } from './entities/invoice.entity';
export type {
  InvoiceKind,
  InvoiceLineKind,
  StoredInvoiceLine,
  StoredInvoicePayment,
} from './entities/invoice.entity';
export { InvoicePdf } from './entities/invoice-pdf.entity';
export { InvoiceCounter } from './entities/invoice-counter.entity';
export { CreditNoteRefusal } from './entities/credit-note-refusal.entity';
export { InvoiceError, InvoiceErrorCode } from './invoices.errors';
export { InvoiceGenerator } from './generation/invoice-generator';
export { CreditNoteIssuer } from './generation/credit-note-issuer';
export type { CreditNoteRequest } from './generation/credit-note-issuer';
export type { IssuedInvoice } from './generation/invoice-generator';
export { CLOSE_GRACE_MS } from './generation/close-grace';
export { invoiceIdFor } from './generation/invoice-id';
export { invoiceWindow, periodOf, previousPeriod } from './generation/invoice-period';
export { InvoicePdfs } from './pdf/invoice-pdfs';
export { CloseInvoicePeriodsJob } from './jobs/close-invoice-periods.job';
export {
  CLOSE_INVOICE_PERIODS_JOB,
  DELIVER_INVOICE_JOB,
  DELIVERY_ATTEMPTS,
  enqueueDeliverInvoice,
  GENERATE_INVOICE_JOB,
  ISSUE_CREDIT_NOTE_JOB,
  RENDER_INVOICE_PDF_JOB,
  enqueueGenerateInvoice,
} from './jobs/invoice-queue';
export { takeNumber, transactionTime } from './generation/invoice-generator';
export { InvoiceDeliveryProcessor, InvoicesProcessor } from './jobs/invoices.processor';
export { InvoiceSettlement, SETTLEMENT_SOURCES } from './entities/invoice-settlement.entity';
export type { SettlementSource } from './entities/invoice-settlement.entity';
export { InvoiceSettlementReversal } from './entities/invoice-settlement-reversal.entity';
export { InvoiceDelivery, DELIVERY_STATUSES } from './entities/invoice-delivery.entity';
export type { DeliveryStatus } from './entities/invoice-delivery.entity';
// For online payments: settle an invoice (idempotent per invoice and provider reference).
export { InvoiceSettlements } from './settlement/invoice-settlements';
export type {
  OwnCurrencyCharge,
  ReverseResult,
  ReverseSettlementCommand,
  SettleInvoiceCommand,
  SettlementKey,
  SettleResult,
} from './settlement/invoice-settlements';
export { INVOICE_STATUSES, standingOf } from './settlement/invoice-standing';
export type { InvoiceStanding, InvoiceStatus } from './settlement/invoice-standing';
export { convertInvoice, convertNano, ROUNDING_RULE } from './generation/currency-conversion';
export { centsOf, roundedUsd, statedAmounts, USD_ROUNDING_RULE } from './generation/rounded-usd';
export { CREDIT_NOTE_ROUNDING_RULE } from './generation/credit-note-statement';
export { FONT_IDLE_RELEASE_MS, InvoicePdfRenderer } from './pdf/invoice-pdf-renderer';
export type { InvoiceRenderContext } from './pdf/invoice-pdf-renderer';
export { DeliverInvoiceJob } from './delivery/invoice-delivery.job';
export { invoiceEmail } from './delivery/invoice-email';
