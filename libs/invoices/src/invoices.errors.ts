import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, type DomainErrorTable } from '@gateway/common';

/** The invoices domain's error codes; their statuses and messages are in INVOICE_ERRORS. */
export enum InvoiceErrorCode {
  NotFound = 'not_found',
  PeriodNotClosed = 'period_not_closed',
  PdfPending = 'invoice_pdf_pending',
  NotAnInvoice = 'not_an_invoice',
  CreditExceedsInvoice = 'credit_exceeds_invoice',
}

const INVOICE_ERRORS: DomainErrorTable<InvoiceErrorCode> = {
  [InvoiceErrorCode.NotFound]: { status: HttpStatus.NOT_FOUND, message: 'not found' },
  [InvoiceErrorCode.PeriodNotClosed]: {
    status: HttpStatus.CONFLICT,
    message: 'this period has not closed yet in the tenant’s time zone',
  },
  [InvoiceErrorCode.PdfPending]: {
    status: HttpStatus.CONFLICT,
    message: 'the PDF is still being rendered; try again shortly',
  },
  [InvoiceErrorCode.NotAnInvoice]: {
    status: HttpStatus.CONFLICT,
    message: 'a credit note corrects an invoice, not another credit note',
  },
  [InvoiceErrorCode.CreditExceedsInvoice]: {
    status: HttpStatus.BAD_REQUEST,
    message: 'amountUsd must not exceed what the invoice and its earlier credit notes leave',
  },
};

export class InvoiceError extends domainErrorBase(INVOICE_ERRORS) {}
