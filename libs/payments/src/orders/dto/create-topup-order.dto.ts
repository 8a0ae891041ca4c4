import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { IsCreditUsd, MAX_CREDIT_USD } from '@gateway/billing';
import {
  EPAY_METHODS,
  EpayMethod,
  PAYMENT_PROVIDERS,
  PaymentProviderKind,
} from '../../providers/payment-provider-kinds';

/** A top-up the tenant will pay for online. */
export class CreateTopupOrderDto {
  @ApiProperty({ example: '25', description: `USD to credit, > 0 and ≤ ${MAX_CREDIT_USD}` })
  @IsCreditUsd()
  amountUsd!: string;

  @ApiProperty({ enum: PAYMENT_PROVIDERS })
  @IsIn(PAYMENT_PROVIDERS, { message: `provider must be one of ${PAYMENT_PROVIDERS.join(', ')}` })
  provider!: PaymentProviderKind;

  @ApiPropertyOptional({ enum: EPAY_METHODS, description: 'EPay only: Alipay or WeChat Pay' })
  @IsOptional()
  @IsIn(EPAY_METHODS, { message: `method must be one of ${EPAY_METHODS.join(', ')}` })
  method?: EpayMethod;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'pay this open invoice of the tenant instead of topping up the balance',
  })
  @IsOptional()
  @IsUUID('all', { message: 'invoiceId must be a UUID' })
  invoiceId?: string;
}
