import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** The wire format a channel speaks. `openai` covers every OpenAI-compatible server. */
export const CHANNEL_TYPES = ['openai', 'azure-openai', 'anthropic', 'gemini'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** `auto_disabled` is set by health probes and cleared by them; `disabled` only by an admin. */
export const CHANNEL_STATUSES = ['enabled', 'disabled', 'auto_disabled'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

/** An upstream provider account (or server) with a pool of keys. Platform-level: operators only. */
@Entity({ name: 'channels' })
export class Channel {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'channels_pkey' })
  id!: string;

  @Index('channels_name_key', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 32 })
  type!: ChannelType;

  @Column({ name: 'base_url', type: 'varchar', length: 500 })
  baseUrl!: string;

  /** Models served, as clients name them (aliases included). */
  @Column({ type: 'text', array: true })
  models!: string[];

  /** Client-facing alias → upstream model name. */
  @Column({ name: 'model_mapping', type: 'jsonb', default: () => "'{}'" })
  modelMapping!: Record<string, string>;

  /** Higher is tried first (as in NewAPI); weight splits traffic within one priority. */
  @Column({ type: 'integer', default: 0 })
  priority!: number;

  @Column({ type: 'integer', default: 1 })
  weight!: number;

  /** Tenant groups this channel serves. */
  @Column({ type: 'text', array: true, default: () => "'{default}'" })
  groups!: string[];

  @Column({ type: 'varchar', length: 16, default: 'enabled' })
  status!: ChannelStatus;

  @Column({ name: 'timeout_ms', type: 'integer', default: 60_000 })
  timeoutMs!: number;

  @Column({ name: 'probe_interval_s', type: 'integer', default: 300 })
  probeIntervalS!: number;

  /** Why the probes set `auto_disabled` (every key of the channel failed them); null otherwise. */
  @Column({ name: 'disabled_reason', type: 'varchar', length: 500, nullable: true })
  disabledReason!: string | null;

  /**
   * The IANA time zone whose midnight resets the keys' daily caps; null: the provider's
   * (DEFAULT_DAY_RESET_ZONES: Pacific time for Gemini, UTC otherwise).
   */
  @Column({ name: 'day_reset_zone', type: 'varchar', length: 64, nullable: true })
  dayResetZone!: string | null;

  /** Type-specific settings (e.g. Azure's apiVersion and deployment names). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  settings!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
