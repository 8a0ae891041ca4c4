// Operators crediting a tenant: POST /api/tenants/:id/topups and /adjustments.
import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UuidParam } from '@gateway/common/http';
import { Idempotent } from '@gateway/idempotency';
import { Actor, CurrentActor } from '@gateway/identity';
import { CreditAdmin } from '../billing-permissions';
import { LedgerEntryView } from '../ledger/views/ledger-entry.view';
import { CreateAdjustmentDto } from './dto/create-adjustment.dto';
import { CreateTopupDto } from './dto/create-topup.dto';
import { TopupsService } from './topups.service';

@ApiTags('billing')
@ApiBearerAuth()
@Controller('api/tenants/:id')
export class TopupsController {
  constructor(private readonly topups: TopupsService) {}

  @CreditAdmin()
  @Post('topups')
  @Idempotent()
  @ApiOperation({ summary: 'Credit the tenant’s balance (a `topup` ledger line)' })
  @ApiCreatedResponse({ type: LedgerEntryView })
  topup(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() body: CreateTopupDto,
  ): Promise<LedgerEntryView> {
    return this.topups.topup(actor, id, body);
  }

  @CreditAdmin()
  @Post('adjustments')
  @Idempotent()
  @ApiOperation({ summary: 'Correct the tenant’s balance up or down (an `adjustment` line with a note)' })
  @ApiCreatedResponse({ type: LedgerEntryView })
  adjust(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() body: CreateAdjustmentDto,
  ): Promise<LedgerEntryView> {
    return this.topups.adjust(actor, id, body);
  }
}
