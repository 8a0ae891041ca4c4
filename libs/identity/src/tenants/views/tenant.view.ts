import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import {
  INVOICE_LANGUAGES,
  type InvoiceLanguage,
  type Tenant,
  type TenantBillingProfile,
  type TenantStatus,
} from '../../entities/tenant.entity';

export class BillingProfileView implements TenantBillingProfile {
  @ApiProperty({ type: String, nullable: true }) legalName!: string | null;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'CN' }) country!: string | null;
  @ApiProperty({ type: String, nullable: true }) taxId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'email' }) email!: string | null;
  @ApiProperty({ example: 'CNY' }) currency!: string;
  @ApiProperty({ enum: INVOICE_LANGUAGES }) language!: InvoiceLanguage;
}

export class TenantView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'routing group: which channels serve this tenant' }) group!: string;
  @ApiProperty({ example: 'Europe/Paris' }) timezone!: string;
  @ApiProperty({ type: String, nullable: true }) billingEmail!: string | null;
  @ApiProperty({ enum: ['active', 'disabled'] }) status!: TenantStatus;
  @ApiProperty({
    type: BillingProfileView,
    nullable: true,
    description: 'who invoices are made out to (copied into each at issue); null until filled in',
  })
  billingProfile!: BillingProfileView | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ example: '12.5', description: 'USD: the sum of the tenant’s ledger (billing)' })
  balanceUsd!: string;

  static of(tenant: Tenant, balanceUsd: string): TenantView {
    return { ...TenantView.fields(tenant), balanceUsd };
  }

  /** The tenant's own fields: what audit rows record (a balance moves through the ledger, not here). */
  static fields(tenant: Tenant): Omit<TenantView, 'balanceUsd'> {
    return {
      id: tenant.id,
      name: tenant.name,
      group: tenant.group,
      timezone: tenant.timezone,
      billingEmail: tenant.billingEmail,
      status: tenant.status,
      billingProfile: tenant.billingProfile,
      createdAt: tenant.createdAt.toISOString(),
    };
  }
}

export class TenantPage extends PageOf(TenantView) {}
