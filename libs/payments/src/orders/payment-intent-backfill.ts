// Orders paid before they kept their payment intent (migration TopupOrderRefunds) know only their
// Checkout session, while Stripe's refunds and disputes name the payment intent. Before such an
// event is found to name no order, Stripe is asked which Checkout session was paid with it, and a
// paid order of that session is given the payment intent, so its refunds and disputes take back
// what it credited like any other order's (docs/design.md "Money").
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@gateway/audit';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { DataSource, In, IsNull } from 'typeorm';
import { TOPUP_ORDER_PAID_STATUSES, TopupOrder } from '../entities/topup-order.entity';
import { stripeClient } from '../stripe/stripe-client';
import { lockPaymentIntent } from './payment-intent-lock';
import { saveAuditedOrder } from './save-audited-order';
import { TopupOrderView } from './views/topup-order.view';

@Injectable()
export class PaymentIntentBackfill {
  private readonly logger = new Logger(PaymentIntentBackfill.name);

  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Gives `paymentIntent` to the paid order whose Checkout session Stripe says was paid with it,
   * when no order has it yet. Asks Stripe only while some paid order lacks one, so a gateway whose
   * orders all have theirs makes no call for another integration's charges. A failing call throws:
   * the webhook answers 500 and Stripe retries, rather than the refund being passed over.
   */
  async attach(paymentIntent: string, secretKey: string): Promise<void> {
    const orders = this.db.getRepository(TopupOrder);
    if (await orders.existsBy({ provider: 'stripe', paymentIntent })) return;
    const withoutIntent = {
      provider: 'stripe' as const,
      paymentIntent: IsNull(),
      status: In([...TOPUP_ORDER_PAID_STATUSES]),
    };
    if (!(await orders.existsBy(withoutIntent))) return;
    const sessions = await stripeClient(secretKey, this.config.STRIPE_API_URL).checkout.sessions.list({
      payment_intent: paymentIntent,
      limit: 1,
    });
    const session = sessions.data[0];
    if (!session) return;
    await this.db.transaction(async (manager) => {
      // A paid session's delivery may have given it to its order meanwhile.
      await lockPaymentIntent(manager, 'stripe', paymentIntent);
      if (await manager.existsBy(TopupOrder, { provider: 'stripe', paymentIntent })) return;
      const order = await manager.findOne(TopupOrder, {
        where: { ...withoutIntent, providerRef: session.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!order || order.paymentIntent) return;
      const before = TopupOrderView.of(order);
      order.paymentIntent = paymentIntent;
      await saveAuditedOrder(this.audit, manager, order, before);
      this.logger.log(
        { orderId: order.id, paymentIntent },
        'an order paid before it kept its payment intent was given it',
      );
    });
  }
}
