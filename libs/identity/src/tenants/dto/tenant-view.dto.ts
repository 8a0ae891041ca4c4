import { ApiProperty } from '@nestjs/swagger';
import type { Tenant, TenantStatus } from '../../entities/tenant.entity';

export class TenantView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'routing group: which channels serve this tenant' }) group!: string;
  @ApiProperty({ example: 'Europe/Paris' }) timezone!: string;
  @ApiProperty({ type: String, nullable: true }) billingEmail!: string | null;
  @ApiProperty({ enum: ['active', 'disabled'] }) status!: TenantStatus;
  @ApiProperty() createdAt!: string;

  static of(tenant: Tenant): TenantView {
    return {
      id: tenant.id,
      name: tenant.name,
      group: tenant.group,
      timezone: tenant.timezone,
      billingEmail: tenant.billingEmail,
      status: tenant.status,
      createdAt: tenant.createdAt.toISOString(),
    };
  }
}

export class TenantPage {
  @ApiProperty({ type: [TenantView] }) items!: TenantView[];
  @ApiProperty() total!: number;
}
