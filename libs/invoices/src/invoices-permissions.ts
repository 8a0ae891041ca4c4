// Who may do what with invoices. The one place these rules live.
import { Role, Roles } from '@gateway/identity';

/**
 * Reading invoices and downloading their PDFs: the platform, and the tenant's owner and finance
 * (admin and member get 403; another tenant's invoice answers 404).
 */
export const INVOICE_READ_ROLES: readonly Role[] = [Role.SuperAdmin, Role.Owner, Role.Finance];
export const InvoiceReader = () => Roles(...INVOICE_READ_ROLES);

/** Issuing a closed period's invoice on demand: the same people (a tenant's own only). */
export const INVOICE_GENERATE_ROLES: readonly Role[] = INVOICE_READ_ROLES;
export const InvoiceIssuer = () => Roles(...INVOICE_GENERATE_ROLES);

/** Correcting an issued invoice with a credit note: the platform's operators. */
export const CREDIT_NOTE_ROLES: readonly Role[] = [Role.SuperAdmin];
export const CreditNoteWriter = () => Roles(...CREDIT_NOTE_ROLES);

/** Recording a payment received outside the gateway: the platform's operators. */
export const PAYMENT_RECORD_ROLES: readonly Role[] = [Role.SuperAdmin];
export const PaymentRecorder = () => Roles(...PAYMENT_RECORD_ROLES);

/** Sending an invoice's email again after it was skipped or failed: the platform's operators. */
export const DELIVERY_RETRY_ROLES: readonly Role[] = [Role.SuperAdmin];
export const DeliveryRetrier = () => Roles(...DELIVERY_RETRY_ROLES);
