import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { Actor, CurrentActor, Role, Roles } from '@gateway/identity';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { reconcileUsage } from './reconcile/reconcile-usage';
import { ReconciliationView } from './views/reconciliation.view';
import { UsageFilterQuery } from './dto/usage-filter.query';
import { ListUsageLogsQuery } from './dto/list-usage-logs.query';
import { UsageSummaryQuery } from './dto/usage-summary.query';
import { UsageQueryService } from './query/usage-query.service';
import { USAGE_ROLES } from './usage-permissions';
import { UsageLogPage } from './views/usage-log.view';
import { UsageSummaryView } from './views/usage-summary.view';

/** Members see the usage of their own tokens, tenant roles their tenant's, a super admin everyone's. */
@ApiTags('usage')
@ApiBearerAuth()
@Controller('api/usage')
export class UsageController {
  constructor(
    private readonly usage: UsageQueryService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Roles(Role.SuperAdmin)
  @Get('reconciliation')
  @ApiOkResponse({
    type: ReconciliationView,
    description:
      'Checks now that ledger usage debits and token spend equal the usage records, to the nano-dollar',
  })
  reconciliation(): Promise<ReconciliationView> {
    return reconcileUsage(this.dataSource.manager);
  }

  @Roles(...USAGE_ROLES)
  @Get('logs')
  @ApiOkResponse({ type: UsageLogPage, description: 'One row per /v1 request, newest first' })
  logs(@CurrentActor() actor: Actor, @Query() query: ListUsageLogsQuery): Promise<UsageLogPage> {
    return this.usage.logs(actor, query);
  }

  @Roles(...USAGE_ROLES)
  @Get('logs.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The same rows as /logs (every page), streamed as CSV with a header row' })
  async csv(@CurrentActor() actor: Actor, @Query() query: UsageFilterQuery): Promise<StreamableFile> {
    const lines = await this.usage.csv(actor, query);
    return new StreamableFile(Readable.from(lines), {
      type: 'text/csv; charset=utf-8',
      disposition: 'attachment; filename="usage.csv"',
    });
  }

  @Roles(...USAGE_ROLES)
  @Get('summary')
  @ApiOkResponse({ type: UsageSummaryView })
  summary(@CurrentActor() actor: Actor, @Query() query: UsageSummaryQuery): Promise<UsageSummaryView> {
    return this.usage.summary(actor, query);
  }
}
