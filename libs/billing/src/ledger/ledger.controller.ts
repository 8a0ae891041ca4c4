// A tenant's money under /api/tenants/:id (the tenants controller itself lives in identity).
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UuidParam } from '@gateway/common/http';
import { Actor, CurrentActor } from '@gateway/identity';
import { BalanceReader, LedgerReader } from '../billing-permissions';
import { ListLedgerEntriesQuery } from './dto/list-ledger-entries.query';
import { LedgerService } from './ledger.service';
import { LedgerPageView } from './views/ledger-entry.view';
import { TenantBalanceView } from './views/tenant-balance.view';

@ApiTags('billing')
@ApiBearerAuth()
@Controller('api/tenants/:id')
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @LedgerReader()
  @Get('ledger')
  @ApiOperation({ summary: 'The tenant’s ledger lines, newest first' })
  @ApiOkResponse({ type: LedgerPageView })
  list(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Query() query: ListLedgerEntriesQuery,
  ): Promise<LedgerPageView> {
    return this.ledger.list(actor, id, query);
  }

  @BalanceReader()
  @Get('balance')
  @ApiOperation({ summary: 'The tenant’s balance: the sum of its ledger, split into credits and debits' })
  @ApiOkResponse({ type: TenantBalanceView })
  balance(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<TenantBalanceView> {
    return this.ledger.balance(actor, id);
  }
}
