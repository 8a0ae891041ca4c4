import { ApiProperty } from '@nestjs/swagger';

/** Aggregates over a set of usage records (one group, or all of them). */
export class UsageTotalsView {
  @ApiProperty() requests!: number;
  @ApiProperty({ description: 'status >= 400, or a stream that ended in error' }) errors!: number;
  @ApiProperty() promptTokens!: number;
  @ApiProperty() cachedTokens!: number;
  @ApiProperty() completionTokens!: number;
  @ApiProperty({ example: '12.345678901' }) costUsd!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'null when there are no records' })
  avgLatencyMs!: number | null;
  @ApiProperty({ type: Number, nullable: true }) p50LatencyMs!: number | null;
  @ApiProperty({ type: Number, nullable: true }) p95LatencyMs!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'over requests that had a first token' })
  avgTtftMs!: number | null;
}

export class UsageSummaryItemView extends UsageTotalsView {
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'model name, channel/tenant/token id, hour (`2025-01-31T13:00:00Z`) or day (`2025-01-31`) in UTC; ' +
      'null for requests that reached no channel',
  })
  key!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'the channel name when grouped by channel' })
  label!: string | null;
}

export class UsageSummaryView {
  @ApiProperty({ type: [UsageSummaryItemView] }) items!: UsageSummaryItemView[];
  @ApiProperty({ type: UsageTotalsView }) totals!: UsageTotalsView;
}
