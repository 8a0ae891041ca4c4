// The columns every usage rollup row has: the dimensions it groups by and the measures it sums.
// Histograms (distinct values and their counts, sorted) keep latency and TTFT percentiles exact
// when rows are merged: a percentile of many rows is read from their merged histogram.
import { bigintTransformer } from '@gateway/db';
import { Column } from 'typeorm';

export abstract class UsageRollupColumns {
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'token_id', type: 'uuid' })
  tokenId!: string;

  @Column({ type: 'varchar', length: 200 })
  model!: string;

  @Column({ name: 'channel_id', type: 'uuid', nullable: true })
  channelId!: string | null;

  /** The HTTP status the client got; with `failed`, this is what the status filters need. */
  @Column({ type: 'smallint' })
  status!: number;

  /** status >= 400 or the stream ended in an error (FAILED in query/usage-filter.ts). */
  @Column({ type: 'boolean' })
  failed!: boolean;

  @Column({ type: 'integer' })
  requests!: number;

  @Column({ type: 'integer' })
  errors!: number;

  @Column({ name: 'prompt_tokens', type: 'bigint', transformer: bigintTransformer })
  promptTokens!: bigint;

  @Column({ name: 'cached_tokens', type: 'bigint', transformer: bigintTransformer })
  cachedTokens!: bigint;

  @Column({ name: 'completion_tokens', type: 'bigint', transformer: bigintTransformer })
  completionTokens!: bigint;

  @Column({ name: 'reasoning_tokens', type: 'bigint', transformer: bigintTransformer })
  reasoningTokens!: bigint;

  @Column({ name: 'cost_nano', type: 'bigint', transformer: bigintTransformer })
  costNano!: bigint;

  /** Sum of latency_ms over `requests` rows (the average is this / requests). */
  @Column({ name: 'latency_sum_ms', type: 'bigint', transformer: bigintTransformer })
  latencySumMs!: bigint;

  /** Requests that had a first token, and the sum of their ttft_ms. */
  @Column({ name: 'ttft_count', type: 'integer' })
  ttftCount!: number;

  @Column({ name: 'ttft_sum_ms', type: 'bigint', transformer: bigintTransformer })
  ttftSumMs!: bigint;

  /** This row's own percentiles (PostgreSQL's percentile_cont), for readers of the table. */
  @Column({ name: 'latency_p50_ms', type: 'double precision' })
  latencyP50Ms!: number;

  @Column({ name: 'latency_p95_ms', type: 'double precision' })
  latencyP95Ms!: number;

  @Column({ name: 'ttft_p50_ms', type: 'double precision', nullable: true })
  ttftP50Ms!: number | null;

  @Column({ name: 'ttft_p95_ms', type: 'double precision', nullable: true })
  ttftP95Ms!: number | null;

  /** Distinct latency_ms values, ascending, and how many requests had each. */
  @Column({ name: 'latency_values', type: 'integer', array: true })
  latencyValues!: number[];

  @Column({ name: 'latency_counts', type: 'integer', array: true })
  latencyCounts!: number[];

  @Column({ name: 'ttft_values', type: 'integer', array: true })
  ttftValues!: number[];

  @Column({ name: 'ttft_counts', type: 'integer', array: true })
  ttftCounts!: number[];
}
