import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '@gateway/identity';
import { PaymentProviderAdmin } from '../payments-permissions';
import { UpdateEpayProviderDto } from './dto/update-epay-provider.dto';
import { UpdateStripeProviderDto } from './dto/update-stripe-provider.dto';
import { PaymentProvidersService } from './payment-providers.service';
import { PaymentProviderView } from './views/payment-provider.view';

@ApiTags('payments')
@ApiBearerAuth()
@Controller('api/payment-providers')
export class PaymentProvidersController {
  constructor(private readonly providers: PaymentProvidersService) {}

  @PaymentProviderAdmin()
  @Get()
  @ApiOperation({ summary: 'Stripe and EPay as configured (secrets masked)' })
  @ApiOkResponse({ type: [PaymentProviderView] })
  list(): Promise<PaymentProviderView[]> {
    return this.providers.list();
  }

  @PaymentProviderAdmin()
  @Patch('stripe')
  @ApiOperation({ summary: 'Configure Stripe Checkout: keys, currency and rate, enabled' })
  @ApiOkResponse({ type: PaymentProviderView })
  updateStripe(
    @CurrentActor() actor: Actor,
    @Body() body: UpdateStripeProviderDto,
  ): Promise<PaymentProviderView> {
    return this.providers.updateStripe(actor, body);
  }

  @PaymentProviderAdmin()
  @Patch('epay')
  @ApiOperation({
    summary: 'Configure EPay (易支付): gateway, merchant id and key, methods, CNY rate, enabled',
  })
  @ApiOkResponse({ type: PaymentProviderView })
  updateEpay(
    @CurrentActor() actor: Actor,
    @Body() body: UpdateEpayProviderDto,
  ): Promise<PaymentProviderView> {
    return this.providers.updateEpay(actor, body);
  }
}
