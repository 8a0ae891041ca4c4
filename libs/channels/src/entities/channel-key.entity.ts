import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { bigintTransformer } from '@gateway/db';
import { Channel, ChannelStatus } from './channel.entity';

/** One model's caps on a key; a missing one is no limit. */
export interface ModelLimits {
  rpm?: number;
  tpm?: number;
  rpd?: number;
  tpd?: number;
}

export const KEY_HEALTH = ['unknown', 'healthy', 'rate_limited', 'invalid', 'error'] as const;
export type KeyHealth = (typeof KEY_HEALTH)[number];

/**
 * One provider credential in a channel's pool. The key is AES-256-GCM ciphertext under the master
 * key version `keyVersion`; the API never returns it, only `sk-…` + `keyHint`.
 */
@Entity({ name: 'channel_keys' })
@Index('channel_keys_channel_fingerprint_key', ['channelId', 'keyFingerprint'], { unique: true })
export class ChannelKey {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'channel_keys_pkey' })
  id!: string;

  @Index('channel_keys_channel_id_idx')
  @Column({ name: 'channel_id', type: 'uuid' })
  channelId!: string;

  @ManyToOne(() => Channel, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'channel_id', foreignKeyConstraintName: 'channel_keys_channel_id_fkey' })
  channel?: Channel;

  @Column({ type: 'varchar', length: 100, default: '' })
  label!: string;

  /** base64(iv ‖ tag ‖ ciphertext). */
  @Column({ name: 'key_ciphertext', type: 'text' })
  keyCiphertext!: string;

  @Column({ name: 'key_version', type: 'smallint' })
  keyVersion!: number;

  /** A known prefix (`sk-`, `gsk`, `xai`) plus the last 4 characters, e.g. `sk-abcd` → shown `sk-…abcd`. */
  @Column({ name: 'key_hint', type: 'varchar', length: 8 })
  keyHint!: string;

  /** SHA-256 of the key, to refuse the same key twice in one channel without decrypting them all. */
  @Column({ name: 'key_fingerprint', type: 'char', length: 64 })
  keyFingerprint!: string;

  @Column({ type: 'integer', default: 0 })
  priority!: number;

  @Column({ type: 'integer', default: 1 })
  weight!: number;

  @Column({ type: 'integer', nullable: true })
  rpm!: number | null;

  @Column({ type: 'integer', nullable: true })
  tpm!: number | null;

  @Column({ type: 'integer', nullable: true })
  rpd!: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintTransformer })
  tpd!: bigint | null;

  /**
   * Caps per upstream model, as providers enforce them on free tiers (model → rpm/tpm/rpd/tpd);
   * counted in windows of their own beside the key's caps above.
   */
  @Column({ name: 'model_limits', type: 'jsonb', default: () => "'{}'" })
  modelLimits!: Record<string, ModelLimits>;

  @Column({ type: 'varchar', length: 16, default: 'enabled' })
  status!: ChannelStatus;

  @Column({ type: 'varchar', length: 16, default: 'unknown' })
  health!: KeyHealth;

  @Column({ name: 'last_checked_at', type: 'timestamptz', nullable: true })
  lastCheckedAt!: Date | null;

  /** How long the last probe (scheduled or the "test" button) took, in ms. */
  @Column({ name: 'last_latency_ms', type: 'integer', nullable: true })
  lastLatencyMs!: number | null;

  /** Scheduled probes in a row that found the key `invalid` or `error`; any other finding resets it. */
  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures!: number;

  /** Why the probe set `auto_disabled` (null otherwise); an admin's `disabled` carries no reason. */
  @Column({ name: 'disabled_reason', type: 'varchar', length: 500, nullable: true })
  disabledReason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
