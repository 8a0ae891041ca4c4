// Where the providers call back. No session: each delivery is verified by its provider's signature.
// The api mounts a raw-body parser on the Stripe route (the signature covers the exact bytes) and a
// form parser on EPay's.
import { Body, Controller, Get, Header, Headers, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ProviderNotification } from '../payments-permissions';
import { PaymentNotificationsService } from './payment-notifications.service';
import { StripeWebhookAnswerView } from './views/stripe-webhook-answer.view';

@ApiTags('payments')
@Controller('api/payments')
export class PaymentNotificationsController {
  constructor(private readonly notifications: PaymentNotificationsService) {}

  @ProviderNotification()
  @Post('stripe/webhook')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Stripe’s webhook (checkout.session.*, refund.created|updated|failed, ' +
      'charge.dispute.created|funds_withdrawn|funds_reinstated|closed), ' +
      'verified by its Stripe-Signature',
  })
  @ApiOkResponse({ type: StripeWebhookAnswerView })
  stripe(
    @Req() req: Request,
    @Headers('stripe-signature') signature?: string,
  ): Promise<StripeWebhookAnswerView> {
    return this.notifications.stripe(req.body, signature);
  }

  @ProviderNotification()
  @Get('epay/notify')
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'EPay’s notify_url, verified by its MD5 sign; answers `success`' })
  @ApiOkResponse({ type: String })
  epayGet(@Query() query: Record<string, unknown>): Promise<string> {
    return this.notifications.epay(query);
  }

  @ProviderNotification()
  @Post('epay/notify')
  @HttpCode(200)
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiExcludeEndpoint()
  epayPost(@Body() body: Record<string, unknown>): Promise<string> {
    return this.notifications.epay(body ?? {});
  }
}
