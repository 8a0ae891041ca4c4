import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import { nanoToUsd } from '@gateway/db';
import { TOPUP_ORDER_STATUSES, TopupOrder, TopupOrderStatus } from '../../entities/topup-order.entity';
import { PAYMENT_PROVIDERS, PaymentProviderKind } from '../../providers/payment-provider-kinds';
import { normalizeRate } from '../../providers/views/payment-provider.view';
import { formatMinor } from '../charge-amount';

export const TOPUP_ORDER_AUDIT_TYPE = 'topup_order';

/** An online top-up as /api shows it. */
export class TopupOrderView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ enum: PAYMENT_PROVIDERS }) provider!: PaymentProviderKind;
  @ApiProperty({ type: String, nullable: true, example: 'alipay' }) method!: string | null;
  @ApiProperty({ enum: TOPUP_ORDER_STATUSES }) status!: TopupOrderStatus;
  @ApiProperty({ example: '10', description: 'USD credited when paid' }) amountUsd!: string;
  @ApiProperty({ example: 'cny' }) currency!: string;
  @ApiProperty({ example: '72.00', description: 'what the provider charges, in currency' })
  chargeAmount!: string;
  @ApiProperty({ example: '7.2', description: 'units of currency per USD, fixed when the order was made' })
  usdRate!: string;
  @ApiProperty({ type: String, nullable: true, description: 'where the customer pays' })
  payUrl!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the provider’s id of the payment' })
  providerRef!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Stripe’s payment intent, which its refunds and disputes name; null until paid',
  })
  paymentIntent!: string | null;
  @ApiProperty({
    example: '0',
    description:
      'what Stripe refunds of it took back (USD; all of amountUsd when refunded): from the balance, or ' +
      'from the invoice it paid, which they reopen',
  })
  refundedUsd!: string;
  @ApiProperty({ type: String, nullable: true, example: 'amount_mismatch' })
  failureReason!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'the invoice this payment settles (then nothing is added to the balance)',
  })
  invoiceId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'the `topup` ledger line' })
  ledgerEntryId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) createdBy!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() expiresAt!: string;
  @ApiProperty({ type: String, nullable: true }) paidAt!: string | null;

  static of(order: TopupOrder): TopupOrderView {
    return {
      id: order.id,
      tenantId: order.tenantId,
      provider: order.provider,
      method: order.method,
      status: order.status,
      amountUsd: nanoToUsd(order.amountNano),
      currency: order.currency,
      chargeAmount: formatMinor(order.chargeMinor, order.currency),
      usdRate: normalizeRate(order.usdRate),
      payUrl: order.payUrl,
      providerRef: order.providerRef,
      paymentIntent: order.paymentIntent,
      refundedUsd: nanoToUsd(order.refundedNano),
      failureReason: order.failureReason,
      invoiceId: order.invoiceId,
      ledgerEntryId: order.ledgerEntryId,
      createdBy: order.createdBy,
      createdAt: order.createdAt.toISOString(),
      expiresAt: order.expiresAt.toISOString(),
      paidAt: order.paidAt?.toISOString() ?? null,
    };
  }
}

export class TopupOrderPageView extends PageOf(TopupOrderView) {}
