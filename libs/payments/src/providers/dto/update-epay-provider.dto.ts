import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, IsUrl, Matches, MaxLength } from 'class-validator';
import { OptionalButNotNull } from '@gateway/common/http';
import { USD_RATE_PATTERN } from '../../orders/charge-amount';
import { EPAY_METHODS } from '../payment-provider-kinds';

/** EPay's (易支付) settings; a field left out keeps its value, the key included (write-only). */
export class UpdateEpayProviderDto {
  @ApiPropertyOptional({ description: 'tenants may top up through EPay (Alipay, WeChat Pay)' })
  @OptionalButNotNull()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  @ApiPropertyOptional({ example: 'https://pay.example.com', description: 'the gateway’s base URL' })
  @OptionalButNotNull()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'gatewayUrl must be an http(s) URL' },
  )
  @MaxLength(500, { message: 'gatewayUrl must be at most 500 characters' })
  gatewayUrl?: string;

  @ApiPropertyOptional({ example: '1001', description: 'the merchant id' })
  @OptionalButNotNull()
  @Matches(/^[0-9A-Za-z_-]{1,64}$/, { message: 'pid must be 1-64 letters, digits, "_" or "-"' })
  pid?: string;

  @ApiPropertyOptional({ description: 'the merchant key that signs requests and notifications (write-only)' })
  @OptionalButNotNull()
  @Matches(/^[\x21-\x7e]{8,256}$/, { message: 'key must be 8-256 printable characters without spaces' })
  key?: string;

  @ApiPropertyOptional({ enum: EPAY_METHODS, isArray: true, example: ['alipay', 'wxpay'] })
  @OptionalButNotNull()
  @ArrayMinSize(1, { message: 'methods must name at least one of alipay, wxpay' })
  @ArrayMaxSize(EPAY_METHODS.length, { message: 'methods must name at most alipay and wxpay' })
  @IsIn(EPAY_METHODS, { each: true, message: 'methods must be alipay or wxpay' })
  methods?: string[];

  @ApiPropertyOptional({ example: '7.2', description: 'CNY charged per 1 USD credited' })
  @OptionalButNotNull()
  @Matches(USD_RATE_PATTERN, {
    message: 'usdRate must be a positive decimal with at most 6 places, e.g. "7.2"',
  })
  usdRate?: string;
}
