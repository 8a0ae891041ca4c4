import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, Matches } from 'class-validator';
import { OptionalButNotNull } from '@gateway/common/http';
import { USD_RATE_PATTERN } from '../../orders/charge-amount';
import { PAYMENT_CURRENCIES } from '../payment-provider-kinds';

const CURRENCIES = Object.keys(PAYMENT_CURRENCIES);

/** Stripe's settings; a field left out keeps its value, secrets included (they are write-only). */
export class UpdateStripeProviderDto {
  @ApiPropertyOptional({ description: 'tenants may top up through Stripe Checkout' })
  @OptionalButNotNull()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  @ApiPropertyOptional({ example: 'sk_live_…', description: 'secret or restricted API key (write-only)' })
  @OptionalButNotNull()
  @Matches(/^(sk|rk)_(live|test)_[A-Za-z0-9]{8,240}$/, {
    message: 'secretKey must be a Stripe secret or restricted key (sk_live_…, sk_test_…, rk_…)',
  })
  secretKey?: string;

  @ApiPropertyOptional({
    example: 'whsec_…',
    description: 'the webhook endpoint’s signing secret (write-only)',
  })
  @OptionalButNotNull()
  @Matches(/^whsec_[A-Za-z0-9+/=]{8,240}$/, {
    message: 'webhookSecret must be a Stripe webhook signing secret (whsec_…)',
  })
  webhookSecret?: string;

  @ApiPropertyOptional({ enum: CURRENCIES, example: 'usd', description: 'what customers are charged in' })
  @OptionalButNotNull()
  @IsIn(CURRENCIES, { message: `currency must be one of ${CURRENCIES.join(', ')}` })
  currency?: string;

  @ApiPropertyOptional({ example: '1', description: 'units of currency per 1 USD credited ("1" for usd)' })
  @OptionalButNotNull()
  @Matches(USD_RATE_PATTERN, {
    message: 'usdRate must be a positive decimal with at most 6 places, e.g. "7.2"',
  })
  usdRate?: string;
}
