// A Stripe Checkout session for a top-up order: one line of the order's charge, the order's id as
// client_reference_id and metadata (how the webhook finds it), the order's id as the idempotency key
// (a retried create makes no second session).
import type Stripe from 'stripe';
import type { TopupOrder } from '../entities/topup-order.entity';

export interface CheckoutUrls {
  successUrl: string;
  cancelUrl: string;
}

export interface CreatedCheckout {
  sessionId: string;
  url: string;
}

export async function createCheckoutSession(
  stripe: Stripe,
  order: TopupOrder,
  productName: string,
  urls: CheckoutUrls,
): Promise<CreatedCheckout> {
  const session = await stripe.checkout.sessions.create(
    {
      mode: 'payment',
      client_reference_id: order.id,
      metadata: { order_id: order.id, tenant_id: order.tenantId },
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: order.currency,
            unit_amount: Number(order.chargeMinor),
            product_data: { name: productName },
          },
        },
      ],
      success_url: urls.successUrl,
      cancel_url: urls.cancelUrl,
      expires_at: Math.floor(order.expiresAt.getTime() / 1000),
    },
    { idempotencyKey: `topup-order-${order.id}` },
  );
  if (!session.url) throw new Error('Stripe returned a Checkout session without a url');
  return { sessionId: session.id, url: session.url };
}
