import { ApiProperty } from '@nestjs/swagger';
import { EPAY_METHODS, PAYMENT_PROVIDERS, PaymentProviderKind } from '../../providers/payment-provider-kinds';

/** One way a tenant can pay, for the top-up form. */
export class PaymentOptionView {
  @ApiProperty({ enum: PAYMENT_PROVIDERS }) provider!: PaymentProviderKind;
  @ApiProperty({ example: 'cny' }) currency!: string;
  @ApiProperty({ example: '7.2', description: 'units of currency charged per USD credited' })
  usdRate!: string;
  @ApiProperty({ enum: EPAY_METHODS, isArray: true, description: 'EPay’s payment types; empty for Stripe' })
  methods!: string[];
}

export class PaymentOptionsView {
  @ApiProperty({ type: [PaymentOptionView] }) providers!: PaymentOptionView[];
}
