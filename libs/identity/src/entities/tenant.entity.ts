import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type TenantStatus = 'active' | 'disabled';

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

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: TenantStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
