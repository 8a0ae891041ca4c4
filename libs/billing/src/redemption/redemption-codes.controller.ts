import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UuidParam } from '@gateway/common/http';
import { Idempotent } from '@gateway/idempotency';
import { Actor, CurrentActor } from '@gateway/identity';
import { CreditAdmin, Redeemer } from '../billing-permissions';
import { LedgerEntryView } from '../ledger/views/ledger-entry.view';
import { CreateRedemptionCodesDto } from './dto/create-redemption-codes.dto';
import { ListRedemptionCodesQuery } from './dto/list-redemption-codes.query';
import { RedeemCodeDto } from './dto/redeem-code.dto';
import { RedemptionCodesService } from './redemption-codes.service';
import {
  CreatedRedemptionCodesView,
  DisabledRedemptionBatchView,
  RedemptionCodePageView,
  RedemptionCodeView,
} from './views/redemption-code.view';

@ApiTags('billing')
@ApiBearerAuth()
@Controller('api/redemption-codes')
export class RedemptionCodesController {
  constructor(private readonly codes: RedemptionCodesService) {}

  @CreditAdmin()
  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create a batch of codes; the codes are in this response only' })
  @ApiCreatedResponse({ type: CreatedRedemptionCodesView })
  create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateRedemptionCodesDto,
  ): Promise<CreatedRedemptionCodesView> {
    return this.codes.create(actor, body);
  }

  @CreditAdmin()
  @Get()
  @ApiOperation({ summary: 'Codes, masked, newest first' })
  @ApiOkResponse({ type: RedemptionCodePageView })
  list(@Query() query: ListRedemptionCodesQuery): Promise<RedemptionCodePageView> {
    return this.codes.list(query);
  }

  @Redeemer()
  @Post('redeem')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Redeem a code into a tenant’s balance (once; 409 when redeemed, 410 when expired)',
  })
  @ApiOkResponse({ type: LedgerEntryView, description: 'the `redemption` ledger line' })
  redeem(@CurrentActor() actor: Actor, @Body() body: RedeemCodeDto): Promise<LedgerEntryView> {
    return this.codes.redeem(actor, body);
  }

  @CreditAdmin()
  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Disable an unredeemed code: redeeming it is then 410 (409 when already redeemed)',
  })
  @ApiOkResponse({ type: RedemptionCodeView })
  disable(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<RedemptionCodeView> {
    return this.codes.disable(actor, id);
  }

  @CreditAdmin()
  @Post('batches/:batchId/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable every unredeemed code of a batch; redeemed ones stay redeemed' })
  @ApiOkResponse({ type: DisabledRedemptionBatchView })
  disableBatch(
    @CurrentActor() actor: Actor,
    @Param('batchId', UuidParam) batchId: string,
  ): Promise<DisabledRedemptionBatchView> {
    return this.codes.disableBatch(actor, batchId);
  }
}
