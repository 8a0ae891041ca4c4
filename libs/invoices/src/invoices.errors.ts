import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, domainErrorCodes } from '@gateway/common';

/** The invoices domain's errors: each code with the HTTP status and the message clients see. */
const INVOICE_ERRORS = {
  NotFound: { code: 'not_found', status: HttpStatus.NOT_FOUND, message: 'not found' },
  PeriodNotClosed: {
    code: 'period_not_closed',
    status: HttpStatus.CONFLICT,
    message: 'this period has not closed yet in the tenant’s time zone',
  },
  PeriodBeforeTenant: {
    code: 'period_before_tenant',
    status: HttpStatus.CONFLICT,
    message: 'this period ended before the tenant existed',
  },
  /** A request body names an invoice the caller's tenant does not have. */
  UnknownInvoice: {
    code: 'validation_failed',
    status: HttpStatus.BAD_REQUEST,
    message: 'invoiceId names no invoice of this tenant',
  },
  PdfPending: {
    code: 'invoice_pdf_pending',
    status: HttpStatus.CONFLICT,
    message: 'the PDF is still being rendered; try again shortly',
  },
  NotAnInvoice: {
    code: 'not_an_invoice',
    status: HttpStatus.CONFLICT,
    message: 'a credit note corrects an invoice, not another credit note',
  },
  ExchangeRateMissing: {
    code: 'exchange_rate_missing',
    status: HttpStatus.CONFLICT,
    message: 'the tenant is billed in another currency and no exchange rate is set for the period',
  },
  PaymentExceedsBalance: {
    code: 'payment_exceeds_balance',
    status: HttpStatus.BAD_REQUEST,
    message: 'amountUsd must not exceed what is left to pay on the invoice',
  },
  DuplicatePayment: {
    code: 'duplicate_payment',
    status: HttpStatus.CONFLICT,
    message: 'a payment with this reference is already recorded on the invoice',
  },
  DeliveryNotResendable: {
    code: 'delivery_not_resendable',
    status: HttpStatus.CONFLICT,
    message: 'only an invoice whose delivery was skipped or failed can be sent again',
  },
  NotPayable: {
    code: 'invoice_not_payable',
    status: HttpStatus.CONFLICT,
    message: 'this invoice is not open: it is paid or credited in full',
  },
  /** GET of a credit note the api queued (202) and the worker then refused, for good. */
  CreditNoteRefused: {
    code: 'credit_note_refused',
    status: HttpStatus.CONFLICT,
    message: 'this credit note was refused when the worker came to issue it',
  },
  CreditExceedsInvoice: {
    code: 'credit_exceeds_invoice',
    status: HttpStatus.BAD_REQUEST,
    message:
      'amountUsd must not exceed what the invoice leaves unpaid after its credit notes and payments, plus what the prepaid balance paid of it',
  },
} as const;

export const InvoiceErrorCode = domainErrorCodes(INVOICE_ERRORS);

export class InvoiceError extends domainErrorBase(INVOICE_ERRORS) {}
