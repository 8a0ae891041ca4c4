import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@gateway/identity';
import { AUDIT_READER_ROLES } from './audit-permissions';
import { AuditQueryService } from './audit-query.service';
import { AuditQueryDto } from './dto/audit-query.dto';
import { AuditLogPage, AuditLogView } from './dto/audit-log-view.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  /** A super admin reads every row (or one tenant's); an owner only their own tenant's. */
  @Roles(...AUDIT_READER_ROLES)
  @Get()
  @ApiOkResponse({ type: AuditLogPage })
  async list(@CurrentActor() actor: Actor, @Query() query: AuditQueryDto): Promise<AuditLogPage> {
    const { items, total } = await this.audit.list(actor, query);
    return { items: items.map(AuditLogView.of), total };
  }
}
