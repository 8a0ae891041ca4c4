import { bigintTransformer } from '@gateway/db';
import type { TokenRevocationReason } from '@gateway/identity/domain';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** `revoked` is final: set when the owner may no longer hold keys (see `revokedReason`), never by hand. */
export type TokenStatus = 'active' | 'disabled' | 'revoked';

/**
 * A /v1 API key of a tenant. Only the SHA-256 of the key is stored, plus a display hint; the key
 * itself is shown once, at creation.
 */
@Entity({ name: 'tokens' })
export class Token {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'tokens_pkey' })
  id!: string;

  @Index('tokens_tenant_id_idx')
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** The member who owns it (members manage only their own tokens). */
  @Index('tokens_user_id_idx')
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Index('tokens_key_hash_key', { unique: true })
  @Column({ name: 'key_hash', type: 'char', length: 64 })
  keyHash!: string;

  /** Last 4 characters of the key, for `sk-…abcd`. */
  @Column({ name: 'key_hint', type: 'varchar', length: 8 })
  keyHint!: string;

  /** Spend cap in nano-USD; null = unlimited. */
  @Column({ name: 'quota_nano', type: 'bigint', nullable: true, transformer: bigintTransformer })
  quotaNano!: bigint | null;

  /**
   * Moves on each time a quota is set on the token while it had none (a database trigger,
   * migration TokenQuotaEpoch): the Redis mirror of its spend is named by it (balance-scripts.ts).
   */
  @Column({ name: 'quota_epoch', type: 'integer', default: 0, insert: false, update: false })
  quotaEpoch!: number;

  @Column({ name: 'used_nano', type: 'bigint', default: 0, transformer: bigintTransformer })
  usedNano!: bigint;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  /** Models this token may call; empty = every model of the tenant's group. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  models!: string[];

  /** CIDRs (v4/v6) the token may be used from; empty = anywhere. */
  @Column({ name: 'ip_allowlist', type: 'text', array: true, default: () => "'{}'" })
  ipAllowlist!: string[];

  @Column({ type: 'integer', nullable: true })
  rpm!: number | null;

  @Column({ type: 'integer', nullable: true })
  tpm!: number | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: TokenStatus;

  /** Why the token was revoked; null unless `status` is `revoked`. */
  @Column({ name: 'revoked_reason', type: 'varchar', length: 32, nullable: true })
  revokedReason!: TokenRevocationReason | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
