// Invoices: one per tenant and closed period, issued by the worker with a PDF; read through /api.
export * from './domain';
export { InvoicesModule } from './invoices.module';
export { InvoiceView, InvoicePageView, InvoiceRequestView } from './views/invoice.view';
export { CREDIT_NOTE_ROLES, INVOICE_GENERATE_ROLES, INVOICE_READ_ROLES } from './invoices-permissions';
export { DELIVERY_RETRY_ROLES, PAYMENT_RECORD_ROLES } from './invoices-permissions';
