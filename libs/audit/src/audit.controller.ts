import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@gateway/identity';
import { AUDIT_READER_ROLES } from './audit-permissions';
import { AuditQueryService } from './audit-query.service';
import { ListAuditLogsQuery } from './dto/list-audit-logs.query';
import { AuditLogPage, AuditLogView } from './views/audit-log.view';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  /** A super admin reads every row (or one tenant's); an owner only their own tenant's. */
  @Roles(...AUDIT_READER_ROLES)
  @Get()
  @ApiOkResponse({ type: AuditLogPage })
  async list(@CurrentActor() actor: Actor, @Query() query: ListAuditLogsQuery): Promise<AuditLogPage> {
    const { items, total } = await this.audit.list(actor, query);
    return { items: items.map(AuditLogView.of), total };
  }
}
