// One payment intent, one order (topup_orders_payment_intent_key). Whatever gives an order its
// payment intent (a paid Checkout session, the backfill of an order paid before orders kept theirs)
// first takes this transaction lock on it and then checks that no other order holds it, so two
// writers naming the same payment intent never meet at the unique index as a 500.
import type { EntityManager } from 'typeorm';
import type { PaymentProviderKind } from '../providers/payment-provider-kinds';

export async function lockPaymentIntent(
  manager: EntityManager,
  provider: PaymentProviderKind,
  paymentIntent: string,
): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `payment-intent:${provider}:${paymentIntent}`,
  ]);
}
