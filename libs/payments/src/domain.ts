// Online payments without their HTTP face (`@gateway/payments/domain`): their tables, for the
// schema. Nothing reachable from here loads a controller, a DTO or a view (docs/design.md,
// "Layers"); index.ts adds the top-ups and the providers' webhooks.
export { PAYMENTS_ENTITIES } from './payments.entities';
export { PaymentProviderConfig } from './entities/payment-provider-config.entity';
export { TopupOrder, TOPUP_ORDER_STATUSES } from './entities/topup-order.entity';
export type { TopupOrderStatus } from './entities/topup-order.entity';
export { PaymentEvent } from './entities/payment-event.entity';
export { PaymentsError, PaymentsErrorCode } from './payments.errors';
export { EPAY_METHODS, PAYMENT_PROVIDERS } from './providers/payment-provider-kinds';
export type { EpayMethod, PaymentProviderKind } from './providers/payment-provider-kinds';
