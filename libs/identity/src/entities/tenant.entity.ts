import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type TenantStatus = 'active' | 'disabled';

export const INVOICE_LANGUAGES = ['en', 'zh-CN'] as const;
export type InvoiceLanguage = (typeof INVOICE_LANGUAGES)[number];

/** Who the tenant's invoices are made out to, in what currency and language. */
export interface TenantBillingProfile {
  legalName: string | null;
  address: string | null;
  /** ISO 3166-1 alpha-2, e.g. "CN". */
  country: string | null;
  taxId: string | null;
  /** Where issued invoices are mailed (the tenant's billingEmail when null). */
  email: string | null;
  /** ISO 4217; invoices state amounts converted at the month's rate when not USD. */
  currency: string;
  /** The invoice PDF's labels and the email's text. */
  language: InvoiceLanguage;
}

/** A customer of the platform: its members, tokens, usage and invoices belong to it. */
@Entity({ name: 'tenants' })
export class Tenant {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'tenants_pkey' })
  id!: string;

  @Index('tenants_name_key', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** Routing group: channels serve the groups they list (NewAPI's "group"). Also the price multiplier key. */
  @Column({ name: 'group', type: 'varchar', length: 64, default: 'default' })
  group!: string;

  /** IANA zone; billing periods are calendar months in it. */
  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone!: string;

  @Column({ name: 'billing_email', type: 'varchar', length: 320, nullable: true })
  billingEmail!: string | null;

  /** null until the owner or finance fills it in; copied into each invoice when it is issued. */
  @Column({ name: 'billing_profile', type: 'jsonb', nullable: true })
  billingProfile!: TenantBillingProfile | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: TenantStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
