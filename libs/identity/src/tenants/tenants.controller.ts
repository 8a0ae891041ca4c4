import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PageQuery, UuidParam } from '@gateway/common/http';
import { Authenticated, Roles } from '../auth/access.decorators';
import { Actor, CurrentActor } from '../auth/actor';
import { TENANT_ADMIN_ROLES, TENANT_EDITOR_ROLES } from '../identity-permissions';
import type { Tenant } from '../entities/tenant.entity';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { TenantPage, TenantView } from './views/tenant.view';
import { UpdateTenantDto } from './dto/update-tenant.dto';
import { TenantBalances } from './tenant-balances';
import { TenantsService } from './tenants.service';

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('api/tenants')
export class TenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly balances: TenantBalances,
  ) {}

  @Roles(...TENANT_ADMIN_ROLES)
  @Get()
  @ApiOkResponse({ type: TenantPage })
  async list(@CurrentActor() actor: Actor, @Query() query: PageQuery): Promise<TenantPage> {
    const { items, total } = await this.tenants.list(actor, query);
    return { items: await this.views(items), total };
  }

  @Roles(...TENANT_ADMIN_ROLES)
  @Post()
  @ApiCreatedResponse({ type: TenantView })
  async create(@CurrentActor() actor: Actor, @Body() body: CreateTenantDto): Promise<TenantView> {
    return this.view(await this.tenants.create(actor, body));
  }

  /** A super admin reads any tenant; a member only their own (another tenant's id is 404). */
  @Authenticated()
  @Get(':id')
  @ApiOkResponse({ type: TenantView })
  async get(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<TenantView> {
    return this.view(await this.tenants.get(actor, id));
  }

  @Roles(...TENANT_EDITOR_ROLES)
  @Patch(':id')
  @ApiOkResponse({ type: TenantView })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() body: UpdateTenantDto,
  ): Promise<TenantView> {
    return this.view(await this.tenants.update(actor, id, body));
  }

  private async view(tenant: Tenant): Promise<TenantView> {
    const balances = await this.balances.balancesUsd([tenant.id]);
    return TenantView.of(tenant, balances.get(tenant.id) ?? '0');
  }

  /** Tenants with their balances, asked of billing in one query per page. */
  private async views(tenants: Tenant[]): Promise<TenantView[]> {
    const balances = await this.balances.balancesUsd(tenants.map((tenant) => tenant.id));
    return tenants.map((tenant) => TenantView.of(tenant, balances.get(tenant.id) ?? '0'));
  }
}
