import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ChannelKey } from './channel-key.entity';

/** What started a probe: the key's schedule, an early look at a guessed cooldown, or the test button. */
export const PROBE_TRIGGERS = ['scheduled', 'early', 'manual'] as const;
export type ProbeTrigger = (typeof PROBE_TRIGGERS)[number];

/**
 * One probe of one key: the history behind `channel_keys.health`. Pruned after PROBE_HISTORY_DAYS.
 * `job_id` (the BullMQ job that made it) is unique, so a job retried after its result was stored
 * cannot count twice.
 */
@Entity({ name: 'channel_key_probes' })
@Index('channel_key_probes_key_checked_idx', ['keyId', 'checkedAt'])
export class ChannelKeyProbe {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'channel_key_probes_pkey' })
  id!: string;

  @Column({ name: 'key_id', type: 'uuid' })
  keyId!: string;

  @ManyToOne(() => ChannelKey, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'key_id', foreignKeyConstraintName: 'channel_key_probes_key_id_fkey' })
  key?: ChannelKey;

  @Column({ name: 'channel_id', type: 'uuid' })
  channelId!: string;

  @Index('channel_key_probes_job_id_key', { unique: true })
  @Column({ name: 'job_id', type: 'varchar', length: 200, nullable: true })
  jobId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  trigger!: ProbeTrigger;

  @Column({ type: 'varchar', length: 16 })
  result!: 'healthy' | 'rate_limited' | 'invalid' | 'error';

  /** The upstream's HTTP status; null when none came (timeout, connection refused). */
  @Column({ name: 'http_status', type: 'integer', nullable: true })
  httpStatus!: number | null;

  @Column({ name: 'latency_ms', type: 'integer' })
  latencyMs!: number;

  /** "ok" or the upstream's error text, secrets masked. */
  @Column({ type: 'varchar', length: 500 })
  message!: string;

  @Index('channel_key_probes_checked_at_idx')
  @Column({ name: 'checked_at', type: 'timestamptz' })
  checkedAt!: Date;
}
