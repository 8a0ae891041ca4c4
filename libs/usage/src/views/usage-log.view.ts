import { nanoToUsd } from '@gateway/db';
import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import type { UsageRecord } from '../entities/usage-record.entity';
import type { UsageAttempt, UsageBilledUnit, UsageEndpoint, UsageEventSource } from '../usage-event';
import { USAGE_BILLED_UNITS, USAGE_ENDPOINTS, USAGE_SOURCES } from '../usage-event-parser';

export class UsageAttemptView {
  @ApiProperty() channelId!: string;
  @ApiProperty() channelName!: string;
  @ApiProperty() keyId!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'null: connect error or timeout' })
  status!: number | null;
  @ApiProperty({ example: 'rate_limited' }) code!: string;
}

/** One /v1 request as /api/usage/logs shows it. */
export class UsageLogView {
  @ApiProperty() requestId!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ format: 'uuid' }) tokenId!: string;
  @ApiProperty({ enum: USAGE_ENDPOINTS }) endpoint!: UsageEndpoint;
  @ApiProperty({ description: 'the model the client asked for' }) model!: string;
  @ApiProperty({ type: String, nullable: true }) upstreamModel!: string | null;
  @ApiProperty({
    type: String,
    description: 'the model that answered and was priced: a chain member for a chain or `auto`, else `model`',
  })
  servedModel!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) channelId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'null when the channel no longer exists' })
  channelName!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) channelKeyId!: string | null;
  @ApiProperty() stream!: boolean;
  @ApiProperty() promptTokens!: number;
  @ApiProperty() cachedTokens!: number;
  @ApiProperty({ description: "prompt tokens written to the provider's cache" }) cacheWriteTokens!: number;
  @ApiProperty() completionTokens!: number;
  @ApiProperty() reasoningTokens!: number;
  @ApiProperty({ enum: USAGE_SOURCES, description: 'upstream usage, gateway tokenizer, or none' })
  usageSource!: UsageEventSource;
  @ApiProperty({ enum: USAGE_BILLED_UNITS, description: 'the unit the cost was computed in' })
  billedUnit!: UsageBilledUnit;
  @ApiProperty({ example: 2, description: 'how many of billedUnit were billed' }) billedQuantity!: number;
  @ApiProperty({ example: '0.000123', description: 'what was charged: at most what the request held' })
  costUsd!: string;
  @ApiProperty({
    example: '0',
    description: "what the upstream's usage cost beyond the request's hold: recorded, not charged",
  })
  writtenOffUsd!: string;
  @ApiProperty() latencyMs!: number;
  @ApiProperty({ type: Number, nullable: true }) ttftMs!: number | null;
  @ApiProperty({ description: 'HTTP status the client got; 499 when it went away first' }) status!: number;
  @ApiProperty({ type: String, nullable: true }) errorCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) errorMessage!: string | null;
  @ApiProperty({ type: [UsageAttemptView], description: 'failed attempts before the final one' })
  fallbacks!: UsageAttempt[];

  static of(record: UsageRecord, channelName: string | null): UsageLogView {
    return {
      requestId: record.requestId,
      startedAt: record.startedAt.toISOString(),
      tenantId: record.tenantId,
      tokenId: record.tokenId,
      endpoint: record.endpoint,
      model: record.model,
      upstreamModel: record.upstreamModel,
      servedModel: record.servedModel ?? record.model,
      channelId: record.channelId,
      channelName,
      channelKeyId: record.channelKeyId,
      stream: record.stream,
      promptTokens: record.promptTokens,
      cachedTokens: record.cachedTokens,
      cacheWriteTokens: record.cacheWriteTokens,
      completionTokens: record.completionTokens,
      reasoningTokens: record.reasoningTokens,
      usageSource: record.usageSource,
      billedUnit: record.billedUnit,
      billedQuantity: Number(record.billedQuantity),
      costUsd: nanoToUsd(record.costNano),
      writtenOffUsd: nanoToUsd(record.writtenOffNano),
      latencyMs: record.latencyMs,
      ttftMs: record.ttftMs,
      status: record.status,
      errorCode: record.errorCode,
      errorMessage: record.errorMessage,
      fallbacks: record.fallbacks,
    };
  }
}

export class UsageLogPage extends PageOf(UsageLogView) {}
