import { HttpStatus } from '@nestjs/common';

/** The invoices domain's error codes, mapped to HTTP by the /api exception filter. */
export enum InvoiceErrorCode {
  NotFound = 'not_found',
  PeriodNotClosed = 'period_not_closed',
  PeriodBeforeTenant = 'period_before_tenant',
  PdfPending = 'invoice_pdf_pending',
  NotAnInvoice = 'not_an_invoice',
  CreditExceedsInvoice = 'credit_exceeds_invoice',
}

const STATUS: Record<InvoiceErrorCode, HttpStatus> = {
  [InvoiceErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [InvoiceErrorCode.PeriodNotClosed]: HttpStatus.CONFLICT,
  [InvoiceErrorCode.PeriodBeforeTenant]: HttpStatus.CONFLICT,
  [InvoiceErrorCode.PdfPending]: HttpStatus.CONFLICT,
  [InvoiceErrorCode.NotAnInvoice]: HttpStatus.CONFLICT,
  [InvoiceErrorCode.CreditExceedsInvoice]: HttpStatus.BAD_REQUEST,
};

const MESSAGE: Record<InvoiceErrorCode, string> = {
  [InvoiceErrorCode.NotFound]: 'not found',
  [InvoiceErrorCode.PeriodNotClosed]: 'this period has not closed yet in the tenant’s time zone',
  [InvoiceErrorCode.PeriodBeforeTenant]: 'this period ended before the tenant existed',
  [InvoiceErrorCode.PdfPending]: 'the PDF is still being rendered; try again shortly',
  [InvoiceErrorCode.NotAnInvoice]: 'a credit note corrects an invoice, not another credit note',
  [InvoiceErrorCode.CreditExceedsInvoice]:
    'amountUsd must not exceed what the invoice and its earlier credit notes leave',
};

export class InvoiceError extends Error {
  readonly status: HttpStatus;
  /** The request field at fault, when there is one (shown in the /api error's `errors[]`). */
  readonly errors?: { field: string; messages: string[] }[];
  constructor(
    readonly code: InvoiceErrorCode,
    message?: string,
    field?: string,
  ) {
    super(message ?? MESSAGE[code]);
    this.name = 'InvoiceError';
    this.status = STATUS[code];
    if (field) this.errors = [{ field, messages: [this.message] }];
  }
}
