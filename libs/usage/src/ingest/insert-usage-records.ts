// The one statement that stores a batch of usage events: a multi-row INSERT that skips request ids
// already stored, which is what makes redelivery, reclaiming and racing workers harmless.
import type { DataSource, EntityManager } from 'typeorm';
import type { UsageEvent } from '../usage-event';

type Column = readonly [name: string, value: (event: UsageEvent) => unknown];

const COLUMNS: readonly Column[] = [
  ['request_id', (e) => e.requestId],
  ['started_at', (e) => e.startedAt],
  ['tenant_id', (e) => e.tenantId],
  ['token_id', (e) => e.tokenId],
  ['endpoint', (e) => e.endpoint],
  ['model', (e) => e.model],
  ['stream', (e) => e.stream],
  ['channel_id', (e) => e.channelId],
  ['channel_key_id', (e) => e.channelKeyId],
  ['upstream_model', (e) => e.upstreamModel],
  ['served_model', (e) => e.servedModel ?? null],
  ['prompt_tokens', (e) => e.promptTokens],
  ['cached_tokens', (e) => e.cachedTokens],
  ['cache_write_tokens', (e) => e.cacheWriteTokens],
  ['completion_tokens', (e) => e.completionTokens],
  ['reasoning_tokens', (e) => e.reasoningTokens],
  ['usage_source', (e) => e.usageSource],
  ['billed_unit', (e) => e.billedUnit ?? 'tokens'],
  ['billed_quantity', (e) => e.billedQuantity ?? e.promptTokens + e.completionTokens],
  ['cost_nano', (e) => e.costNano],
  ['covered_nano', (e) => e.coveredNano],
  ['written_off_nano', (e) => e.writtenOffNano ?? '0'],
  ['latency_ms', (e) => e.latencyMs],
  ['ttft_ms', (e) => e.ttftMs],
  ['status', (e) => e.status],
  ['error_code', (e) => e.errorCode],
  ['error_message', (e) => e.errorMessage],
  ['fallbacks', (e) => JSON.stringify(e.fallbacks)],
  ['client_ip', (e) => e.clientIp],
];

/** As many events per INSERT as PostgreSQL's 65535 bind parameters allow. */
export const MAX_INSERT_BATCH = Math.floor(65_535 / COLUMNS.length);

/**
 * Inserts the events (already validated by parseUsageEvent) in one statement; a request id that is
 * already stored is skipped. Returns the request ids actually inserted.
 */
export async function insertUsageRecords(
  db: DataSource | EntityManager,
  events: readonly UsageEvent[],
): Promise<string[]> {
  if (events.length === 0) return [];
  if (events.length > MAX_INSERT_BATCH) throw new RangeError(`at most ${MAX_INSERT_BATCH} events per insert`);
  const params: unknown[] = [];
  const rows = events.map((event) => {
    const placeholders = COLUMNS.map(([, value]) => {
      params.push(value(event));
      return `$${params.length}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  const inserted: { request_id: string }[] = await db.query(
    `INSERT INTO usage_records (${COLUMNS.map(([name]) => name).join(', ')})
     VALUES ${rows.join(', ')}
     ON CONFLICT (request_id) DO NOTHING
     RETURNING request_id`,
    params,
  );
  return inserted.map((row) => row.request_id);
}
