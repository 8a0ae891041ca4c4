import { bigintTransformer } from '@gateway/db';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { UsageAttempt, UsageBilledUnit, UsageEndpoint, UsageEventSource } from '../usage-event';

/**
 * One /v1 request, as the relay reported it (a UsageEvent) and the worker stored it. Append-only;
 * `request_id` is unique, which is what makes ingestion idempotent. Indexes serve /api/usage's
 * filters, each with `started_at` second because every query is a time range.
 */
@Entity({ name: 'usage_records' })
@Index('usage_records_tenant_started_idx', ['tenantId', 'startedAt'])
@Index('usage_records_token_started_idx', ['tokenId', 'startedAt'])
@Index('usage_records_channel_started_idx', ['channelId', 'startedAt'])
@Index('usage_records_model_started_idx', ['model', 'startedAt'])
export class UsageRecord {
  /** Insertion order; also the tie-breaker of "newest first". */
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'usage_records_pkey' })
  id!: string;

  @Index('usage_records_request_id_key', { unique: true })
  @Column({ name: 'request_id', type: 'varchar', length: 128 })
  requestId!: string;

  @Index('usage_records_started_at_idx')
  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'token_id', type: 'uuid' })
  tokenId!: string;

  @Column({ type: 'varchar', length: 32 })
  endpoint!: UsageEndpoint;

  /** The model the client asked for. */
  @Column({ type: 'varchar', length: 200 })
  model!: string;

  @Column({ type: 'boolean' })
  stream!: boolean;

  @Column({ name: 'channel_id', type: 'uuid', nullable: true })
  channelId!: string | null;

  @Column({ name: 'channel_key_id', type: 'uuid', nullable: true })
  channelKeyId!: string | null;

  @Column({ name: 'upstream_model', type: 'varchar', length: 200, nullable: true })
  upstreamModel!: string | null;

  /** The model that answered (a chain's or `auto`'s member; else the one asked), priced as such. */
  @Column({ name: 'served_model', type: 'varchar', length: 200, nullable: true })
  servedModel!: string | null;

  @Column({ name: 'prompt_tokens', type: 'integer' })
  promptTokens!: number;

  @Column({ name: 'cached_tokens', type: 'integer' })
  cachedTokens!: number;

  /** Prompt tokens written to the provider's cache (part of promptTokens, apart from cachedTokens). */
  @Column({ name: 'cache_write_tokens', type: 'integer', default: 0 })
  cacheWriteTokens!: number;

  @Column({ name: 'completion_tokens', type: 'integer' })
  completionTokens!: number;

  @Column({ name: 'reasoning_tokens', type: 'integer' })
  reasoningTokens!: number;

  @Column({ name: 'usage_source', type: 'varchar', length: 16 })
  usageSource!: UsageEventSource;

  /** What the cost was computed in: tokens, images, audio seconds, characters or requests. */
  @Column({ name: 'billed_unit', type: 'varchar', length: 16, default: 'tokens' })
  billedUnit!: UsageBilledUnit;

  /** How many of billedUnit were billed. */
  @Column({ name: 'billed_quantity', type: 'bigint', default: 0, transformer: bigintTransformer })
  billedQuantity!: bigint;

  @Column({ name: 'cost_nano', type: 'bigint', transformer: bigintTransformer })
  costNano!: bigint;

  /** The part of the cost a plan's included allowance covered; the rest was debited from the balance. */
  @Column({ name: 'covered_nano', type: 'bigint', default: 0, transformer: bigintTransformer })
  coveredNano!: bigint;

  /**
   * What the upstream's usage cost beyond the request's hold: recorded, not charged (cost_nano is
   * what was charged, capped at the hold; docs/design.md invariant 6).
   */
  @Column({ name: 'written_off_nano', type: 'bigint', default: 0, transformer: bigintTransformer })
  writtenOffNano!: bigint;

  @Column({ name: 'latency_ms', type: 'integer' })
  latencyMs!: number;

  @Column({ name: 'ttft_ms', type: 'integer', nullable: true })
  ttftMs!: number | null;

  /** HTTP status the client got (499: the client went away first). */
  @Column({ type: 'smallint' })
  status!: number;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'varchar', length: 1000, nullable: true })
  errorMessage!: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  fallbacks!: UsageAttempt[];

  @Column({ name: 'client_ip', type: 'varchar', length: 64, nullable: true })
  clientIp!: string | null;

  /** When the worker stored it; `started_at` is when the request happened. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
