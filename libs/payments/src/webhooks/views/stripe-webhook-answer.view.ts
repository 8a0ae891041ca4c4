import { ApiProperty } from '@nestjs/swagger';

/** What Stripe's webhook delivery is answered (Stripe needs only the 2xx). */
export class StripeWebhookAnswerView {
  @ApiProperty() received!: boolean;
  @ApiProperty({
    example: 'credited',
    description:
      'credited, invoice_settled, duplicate, failed, expired, unknown_order, payment_intent_conflict, ' +
      'refunded, refund_reversed, dispute_withdrawn, dispute_reinstated, unknown_charge or ignored',
  })
  outcome!: string;
}
