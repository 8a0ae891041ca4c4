// Reads usage_records for /api/usage: logs, summaries (aggregated in SQL) and CSV, always within
// the caller's scope.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ChannelsService } from '@gateway/channels';
import { pageWindow } from '@gateway/common/http';
import { nanoToUsd } from '@gateway/db';
import { Actor } from '@gateway/identity';
import { TokensService } from '@gateway/tokens';
import { Repository } from 'typeorm';
import { csvLine } from '../csv/csv';
import type { UsageFilterQuery } from '../dto/usage-filter.query';
import type { ListUsageLogsQuery } from '../dto/list-usage-logs.query';
import type { UsageGroupBy, UsageSummaryQuery } from '../dto/usage-summary.query';
import { UsageRecord } from '../entities/usage-record.entity';
import { usageScope } from '../usage-permissions';
import { UsageError, UsageErrorCode } from '../usage.errors';
import { UsageLogPage, UsageLogView } from '../views/usage-log.view';
import type { UsageSummaryItemView, UsageSummaryView, UsageTotalsView } from '../views/usage-summary.view';
import { ChannelNames } from './channel-names';
import { AggregateRow, rollupSummary, SummaryRow } from './rollup-summary';
import { FAILED, UsageFilter, whereUsage } from './usage-filter';

/** The group key of each groupBy, as SQL over `usage_records r`. Hours and days are UTC. */
const GROUP_KEY: Record<UsageGroupBy, string> = {
  model: 'r.model',
  channel: 'r.channel_id::text',
  tenant: 'r.tenant_id::text',
  token: 'r.token_id::text',
  hour: `to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":00:00Z"')`,
  day: `to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
};

/** Sums come back as text (bigint and numeric do not fit a JS number exactly in general). */
const AGGREGATES = `
  count(*)::text AS requests,
  count(*) FILTER (WHERE ${FAILED})::text AS errors,
  coalesce(sum(r.prompt_tokens), 0)::text AS prompt_tokens,
  coalesce(sum(r.cached_tokens), 0)::text AS cached_tokens,
  coalesce(sum(r.completion_tokens), 0)::text AS completion_tokens,
  coalesce(sum(r.cost_nano), 0)::text AS cost_nano,
  round(avg(r.latency_ms), 1)::float8 AS avg_latency_ms,
  round((percentile_cont(0.5) WITHIN GROUP (ORDER BY r.latency_ms))::numeric, 1)::float8 AS p50_latency_ms,
  round((percentile_cont(0.95) WITHIN GROUP (ORDER BY r.latency_ms))::numeric, 1)::float8 AS p95_latency_ms,
  round(avg(r.ttft_ms), 1)::float8 AS avg_ttft_ms`;

const NO_ROWS: AggregateRow = {
  requests: '0',
  errors: '0',
  prompt_tokens: '0',
  cached_tokens: '0',
  completion_tokens: '0',
  cost_nano: '0',
  avg_latency_ms: null,
  p50_latency_ms: null,
  p95_latency_ms: null,
  avg_ttft_ms: null,
};

/** Rows per query while streaming CSV (keyset pagination, so memory stays flat). */
const CSV_CHUNK = 1_000;

export const USAGE_CSV_COLUMNS = [
  'requestId',
  'startedAt',
  'tenantId',
  'tokenId',
  'endpoint',
  'model',
  'upstreamModel',
  'servedModel',
  'channelId',
  'channelName',
  'channelKeyId',
  'stream',
  'promptTokens',
  'cachedTokens',
  'cacheWriteTokens',
  'completionTokens',
  'reasoningTokens',
  'usageSource',
  'billedUnit',
  'billedQuantity',
  'costUsd',
  'writtenOffUsd',
  'latencyMs',
  'ttftMs',
  'status',
  'errorCode',
  'errorMessage',
  'fallbacks',
] as const satisfies readonly (keyof UsageLogView)[];

@Injectable()
export class UsageQueryService {
  constructor(
    @InjectRepository(UsageRecord) private readonly records: Repository<UsageRecord>,
    private readonly tokens: TokensService,
    private readonly channels: ChannelsService,
  ) {}

  /** One row per request, newest first. */
  async logs(actor: Actor, query: ListUsageLogsQuery): Promise<UsageLogPage> {
    const filter = await this.filterFor(actor, query);
    const { skip, take } = pageWindow(query);
    const [rows, total] = await whereUsage(this.records.createQueryBuilder('r'), filter)
      .orderBy('r.started_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .offset(skip)
      .limit(take)
      .getManyAndCount();
    const names = await new ChannelNames(this.channels).of(rows.map((row) => row.channelId));
    return { items: rows.map((row) => UsageLogView.of(row, nameOf(names, row.channelId))), total };
  }

  /**
   * Totals per group and overall, from the rollups (query/rollup-summary.ts): whole hours and days
   * from usage_rollup_hourly/daily, partial edge hours and hours not rolled up yet from the records.
   */
  async summary(actor: Actor, query: UsageSummaryQuery): Promise<UsageSummaryView> {
    const filter = await this.filterFor(actor, query);
    const { groups, totals } = await rollupSummary(this.records.manager, filter, query.groupBy);
    return this.summaryView(query.groupBy, groups, totals);
  }

  /** The same summary computed from usage_records alone: the reference the rollups must equal. */
  async summaryFromRecords(actor: Actor, query: UsageSummaryQuery): Promise<UsageSummaryView> {
    const filter = await this.filterFor(actor, query);
    const key = GROUP_KEY[query.groupBy];
    const byTime = query.groupBy === 'hour' || query.groupBy === 'day';
    const grouped = whereUsage(this.records.createQueryBuilder('r'), filter)
      .select(`${key} AS key, ${AGGREGATES}`)
      .groupBy(key)
      // Time buckets in order; anything else biggest spender first.
      .orderBy(byTime ? 'key' : 'sum(r.cost_nano)', byTime ? 'ASC' : 'DESC');
    if (!byTime) grouped.addOrderBy('count(*)', 'DESC').addOrderBy('key', 'ASC', 'NULLS LAST');
    const [groups, totals] = await Promise.all([
      grouped.getRawMany<SummaryRow>(),
      whereUsage(this.records.createQueryBuilder('r'), filter).select(AGGREGATES).getRawOne<AggregateRow>(),
    ]);
    return this.summaryView(query.groupBy, groups, totals);
  }

  private async summaryView(
    groupBy: UsageGroupBy,
    groups: SummaryRow[],
    totals: AggregateRow | undefined,
  ): Promise<UsageSummaryView> {
    const query = { groupBy };
    const names =
      query.groupBy === 'channel'
        ? await new ChannelNames(this.channels).of(groups.map((g) => g.key))
        : new Map<string, string | null>();
    return {
      items: groups.map((g): UsageSummaryItemView => ({
        key: g.key,
        label: nameOf(names, g.key),
        ...totalsOf(g),
      })),
      // An aggregate without GROUP BY always answers one row.
      totals: totalsOf(totals ?? NO_ROWS),
    };
  }

  /**
   * The CSV export, streamed newest first in chunks. The scope and filters are checked before the
   * first byte (so a bad query still gets its 4xx); the rows are read as the client takes them.
   */
  async csv(actor: Actor, query: UsageFilterQuery): Promise<AsyncIterable<string>> {
    const filter = await this.filterFor(actor, query);
    return this.csvLines(filter);
  }

  private async *csvLines(filter: UsageFilter): AsyncGenerator<string> {
    yield csvLine(USAGE_CSV_COLUMNS);
    const channelNames = new ChannelNames(this.channels);
    let after: UsageRecord | undefined;
    for (;;) {
      const qb = whereUsage(this.records.createQueryBuilder('r'), filter);
      if (after) {
        qb.andWhere('(r.started_at, r.id) < (:afterStartedAt, :afterId)', {
          afterStartedAt: after.startedAt,
          afterId: after.id,
        });
      }
      const rows = await qb
        .orderBy('r.started_at', 'DESC')
        .addOrderBy('r.id', 'DESC')
        .limit(CSV_CHUNK)
        .getMany();
      const names = await channelNames.of(rows.map((row) => row.channelId));
      let chunk = '';
      for (const row of rows) {
        const view = UsageLogView.of(row, nameOf(names, row.channelId));
        chunk += csvLine(
          USAGE_CSV_COLUMNS.map((column) =>
            column === 'fallbacks' ? JSON.stringify(view.fallbacks) : view[column],
          ),
        );
      }
      if (chunk) yield chunk;
      if (rows.length < CSV_CHUNK) return;
      after = rows[rows.length - 1];
    }
  }

  /** The caller's scope (404 for another tenant) and the query's filters, validated together. */
  private async filterFor(actor: Actor, query: UsageFilterQuery): Promise<UsageFilter> {
    const scope = usageScope(actor, query.tenantId);
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    if (from && to && from >= to) throw new UsageError(UsageErrorCode.InvalidRange);
    const filter: UsageFilter = {
      from,
      to,
      tenantId: scope.tenantId,
      tokenId: query.tokenId,
      channelId: query.channelId,
      model: query.model,
      status: statusFilter(query.status),
    };
    if (scope.tokenOwnerId !== undefined) {
      // A member's usage is that of the tokens they own, as the tokens domain says.
      // Fails closed: without a tenant, no tokens.
      filter.tokenIds =
        scope.tenantId === undefined ? [] : await this.tokens.idsOwnedBy(scope.tenantId, scope.tokenOwnerId);
    }
    return filter;
  }
}

function statusFilter(status: string | undefined): UsageFilter['status'] {
  if (status === undefined || status === 'success' || status === 'error') return status;
  return Number(status);
}

function nameOf(names: Map<string, string | null>, id: string | null): string | null {
  return id === null ? null : (names.get(id) ?? null);
}

function totalsOf(row: AggregateRow): UsageTotalsView {
  return {
    requests: Number(row.requests),
    errors: Number(row.errors),
    promptTokens: Number(row.prompt_tokens),
    cachedTokens: Number(row.cached_tokens),
    completionTokens: Number(row.completion_tokens),
    costUsd: nanoToUsd(BigInt(row.cost_nano)),
    avgLatencyMs: row.avg_latency_ms,
    p50LatencyMs: row.p50_latency_ms,
    p95LatencyMs: row.p95_latency_ms,
    avgTtftMs: row.avg_ttft_ms,
  };
}
