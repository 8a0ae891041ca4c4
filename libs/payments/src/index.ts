export * from './domain';
export { PaymentsModule } from './payments.module';
export {
  PAYMENT_PROVIDER_ADMIN_ROLES,
  TOPUP_ORDER_READ_ROLES,
  TOPUP_PAYER_ROLES,
} from './payments-permissions';
export { NOTIFY_PATHS } from './providers/views/payment-provider.view';
export { PaymentSettlement, topupLedgerRef } from './orders/payment-settlement';
export type { SettlementOutcome } from './orders/payment-settlement';
export type { PaymentNotice } from './orders/payment-notice';
// EPay's signature rule, for tests that play the gateway.
export { epaySign, epayVerify } from './epay/epay-sign';
