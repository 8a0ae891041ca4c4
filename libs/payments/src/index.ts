export { PAYMENTS_ENTITIES, PaymentsModule } from './payments.module';
export { PaymentProviderConfig } from './entities/payment-provider-config.entity';
export { TopupOrder, TOPUP_ORDER_STATUSES } from './entities/topup-order.entity';
export type { TopupOrderStatus } from './entities/topup-order.entity';
export { PaymentEvent } from './entities/payment-event.entity';
export { PaymentsError, PaymentsErrorCode } from './payments.errors';
export { EPAY_METHODS, PAYMENT_PROVIDERS } from './providers/payment-provider-kinds';
export type { EpayMethod, PaymentProviderKind } from './providers/payment-provider-kinds';
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
