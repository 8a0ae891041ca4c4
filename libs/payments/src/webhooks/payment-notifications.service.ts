// Providers' notifications: verified with the provider's own rule, then settled once.
import { Injectable, Logger } from '@nestjs/common';
import type Stripe from 'stripe';
import { EPAY_ACK, epayNotice } from '../epay/epay-protocol';
import { PaymentIntentBackfill } from '../orders/payment-intent-backfill';
import { PaymentReversals } from '../orders/payment-reversals';
import { PaymentSettlement, SettlementOutcome } from '../orders/payment-settlement';
import { PaymentsError, PaymentsErrorCode } from '../payments.errors';
import { PaymentProvidersService } from '../providers/payment-providers.service';
import { stripeSdk } from '../stripe/stripe-client';
import { stripeNotice, stripeReversalNotice, verifyStripeEvent } from '../stripe/stripe-notification';
import { StripeWebhookAnswerView } from './views/stripe-webhook-answer.view';

@Injectable()
export class PaymentNotificationsService {
  private readonly logger = new Logger(PaymentNotificationsService.name);

  constructor(
    private readonly providers: PaymentProvidersService,
    private readonly settlement: PaymentSettlement,
    private readonly reversals: PaymentReversals,
    private readonly paymentIntents: PaymentIntentBackfill,
  ) {}

  /** Stripe's webhook: `rawBody` exactly as sent (the signature covers its bytes). */
  async stripe(rawBody: unknown, signature: string | undefined): Promise<StripeWebhookAnswerView> {
    const account = await this.providers.stripe('notification');
    if (!Buffer.isBuffer(rawBody) || !signature || !account.webhookSecret) {
      throw new PaymentsError(PaymentsErrorCode.SignatureInvalid, undefined, { field: 'stripe-signature' });
    }
    // The SDK is required at the first delivery, outside the try: failing to load it answers 500 (and
    // Stripe retries) rather than passing for a bad signature.
    stripeSdk();
    let event: Stripe.Event;
    try {
      event = verifyStripeEvent(rawBody, signature, account.webhookSecret);
    } catch (error) {
      // The SDK parses the body only once its signature verifies: a body that is not JSON.
      if (error instanceof SyntaxError) {
        throw new PaymentsError(
          PaymentsErrorCode.ValidationFailed,
          `the notification's signature verifies but its body is not JSON (${error.message})`,
        );
      }
      throw new PaymentsError(PaymentsErrorCode.SignatureInvalid, undefined, { field: 'stripe-signature' });
    }
    // A Checkout event settles its order; a refund or dispute takes back from a paid one.
    const notice = stripeNotice(event);
    const reversal = notice ? null : stripeReversalNotice(event);
    let outcome: SettlementOutcome = 'ignored';
    if (notice) outcome = await this.settlement.apply(notice);
    else if (reversal) {
      // An order paid before orders kept their payment intent is found through its session first.
      if (reversal.paymentIntent && reversal.action !== 'none')
        await this.paymentIntents.attach(reversal.paymentIntent, account.secretKey);
      outcome = await this.reversals.apply(reversal);
    }
    this.log('stripe', event.id, outcome);
    if (outcome === 'amount_mismatch') {
      throw new PaymentsError(
        PaymentsErrorCode.AmountMismatch,
        reversal
          ? 'the refund or dispute is in another currency than the order’s charge, or refunds more than is ' +
              'left of it; nothing was debited'
          : undefined,
      );
    }
    return { received: true, outcome };
  }

  /** EPay's notify_url (query string or form body); answers `success` once acted on. */
  async epay(params: Record<string, unknown>): Promise<string> {
    const notice = epayNotice(params, await this.providers.epay('notification'));
    if (!notice) throw new PaymentsError(PaymentsErrorCode.SignatureInvalid, undefined, { field: 'sign' });
    const outcome = await this.settlement.apply(notice);
    this.log('epay', notice.eventId, outcome);
    if (outcome === 'amount_mismatch') throw new PaymentsError(PaymentsErrorCode.AmountMismatch);
    return EPAY_ACK;
  }

  private log(provider: string, eventId: string, outcome: SettlementOutcome): void {
    this.logger.log({ provider, eventId, outcome }, 'payment notification');
  }
}
