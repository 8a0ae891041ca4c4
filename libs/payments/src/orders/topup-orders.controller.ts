import { Body, Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { UuidParam } from '@gateway/common/http';
import { Idempotent } from '@gateway/idempotency';
import { Actor, CurrentActor } from '@gateway/identity';
import { TopupOrderReader, TopupPayer } from '../payments-permissions';
import { CreateTopupOrderDto } from './dto/create-topup-order.dto';
import { ListTopupOrdersQuery } from './dto/list-topup-orders.query';
import { TopupOrdersService } from './topup-orders.service';
import { PaymentOptionsView } from './views/payment-options.view';
import { TopupOrderPageView, TopupOrderView } from './views/topup-order.view';

@ApiTags('payments')
@ApiBearerAuth()
@Controller('api')
export class TopupOrdersController {
  constructor(private readonly orders: TopupOrdersService) {}

  @TopupOrderReader()
  @Get('payments/options')
  @ApiOperation({ summary: 'The enabled ways to top up online, with their currency and rate' })
  @ApiOkResponse({ type: PaymentOptionsView })
  options(): Promise<PaymentOptionsView> {
    return this.orders.options();
  }

  @TopupPayer()
  @Post('tenants/:id/topup-orders')
  @Idempotent()
  @ApiOperation({ summary: 'Start an online top-up; send the customer to its payUrl' })
  @ApiCreatedResponse({ type: TopupOrderView })
  create(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() body: CreateTopupOrderDto,
    @Req() req: Request,
  ): Promise<TopupOrderView> {
    // Where the provider sends the customer back when no site URL is set (trust proxy decides the protocol).
    return this.orders.create(actor, id, body, `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`);
  }

  @TopupOrderReader()
  @Get('tenants/:id/topup-orders')
  @ApiOperation({ summary: 'The tenant’s online top-ups, newest first' })
  @ApiOkResponse({ type: TopupOrderPageView })
  list(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Query() query: ListTopupOrdersQuery,
  ): Promise<TopupOrderPageView> {
    return this.orders.list(actor, id, query);
  }

  @TopupOrderReader()
  @Get('tenants/:id/topup-orders/:orderId')
  @ApiOperation({ summary: 'One online top-up (poll it after the customer comes back)' })
  @ApiOkResponse({ type: TopupOrderView })
  get(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Param('orderId', UuidParam) orderId: string,
  ): Promise<TopupOrderView> {
    return this.orders.get(actor, id, orderId);
  }
}
