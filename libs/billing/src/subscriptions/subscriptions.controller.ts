// A tenant's plan under /api/tenants/:id (the tenants controller itself lives in identity).
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageQuery, UuidParam } from '@gateway/common/http';
import { Actor, CurrentActor } from '@gateway/identity';
import { PlanAdmin, SubscriptionReader } from '../billing-permissions';
import { SetSubscriptionDto } from './dto/set-subscription.dto';
import { SubscriptionsService } from './subscriptions.service';
import { SubscriptionChangePageView, SubscriptionView } from './views/subscription.view';

@ApiTags('billing')
@ApiBearerAuth()
@Controller('api/tenants/:id/subscription')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @SubscriptionReader()
  @Get()
  @ApiOperation({ summary: 'The tenant’s plan and current billing period (404 when it has none)' })
  @ApiOkResponse({ type: SubscriptionView })
  get(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<SubscriptionView> {
    return this.subscriptions.get(actor, id);
  }

  @SubscriptionReader()
  @Get('changes')
  @ApiOperation({ summary: 'The tenant’s subscription history, newest first' })
  @ApiOkResponse({ type: SubscriptionChangePageView })
  history(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Query() query: PageQuery,
  ): Promise<SubscriptionChangePageView> {
    return this.subscriptions.history(actor, id, query);
  }

  @PlanAdmin()
  @Put()
  @ApiOperation({
    summary:
      'Put the tenant on a plan now; a switch keeps the current period, whose usage counts against the new plan',
  })
  @ApiOkResponse({ type: SubscriptionView })
  set(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() body: SetSubscriptionDto,
  ): Promise<SubscriptionView> {
    return this.subscriptions.set(actor, id, body);
  }

  @PlanAdmin()
  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End the tenant’s subscription now (it stays prepaid)' })
  @ApiNoContentResponse()
  async end(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<void> {
    await this.subscriptions.end(actor, id);
  }
}
