// Test helpers for the rollup suites: a database with the schema, records inserted the way the
// ingestor inserts them (one multi-row INSERT per batch, so the trigger sees batches), a summary
// service with stand-ins for the token and channel lookups it makes.
import { randomUUID } from 'node:crypto';
import type { ChannelsService } from '@gateway/channels';
import { dataSourceOptions, runPendingMigrations } from '@gateway/db';
import { Actor, Role } from '@gateway/identity';
import { BILLING_ENTITIES } from '@gateway/billing';
import { TOKENS_ENTITIES } from '@gateway/tokens';
import type { TokensService } from '@gateway/tokens';
import { DataSource } from 'typeorm';
import { UsageRecord } from '../entities/usage-record.entity';
import { UsageQueryService } from '../query/usage-query.service';
import { USAGE_ENTITIES } from '../usage.entities';

const ENTITIES = [...USAGE_ENTITIES, ...TOKENS_ENTITIES, ...BILLING_ENTITIES];

export interface RawRecord {
  request_id: string;
  started_at: string;
  tenant_id: string;
  token_id: string;
  model: string;
  channel_id: string | null;
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  cost_nano: string;
  latency_ms: number;
  ttft_ms: number | null;
  status: number;
  error_code: string | null;
}

const COLUMNS = [
  'request_id',
  'started_at',
  'tenant_id',
  'token_id',
  'model',
  'channel_id',
  'prompt_tokens',
  'cached_tokens',
  'completion_tokens',
  'reasoning_tokens',
  'cost_nano',
  'latency_ms',
  'ttft_ms',
  'status',
  'error_code',
];

export async function openSchema(db: { url: string }, poolSize = 4): Promise<DataSource> {
  const dataSource = await new DataSource(
    dataSourceOptions({ url: db.url, entities: ENTITIES, poolSize }),
  ).initialize();
  await runPendingMigrations(dataSource);
  return dataSource;
}

/** One INSERT statement, as insertUsageRecords does (the other columns take their defaults). */
export async function insertRecords(dataSource: DataSource, records: readonly RawRecord[]): Promise<void> {
  if (records.length === 0) return;
  await dataSource.query(
    `INSERT INTO usage_records (${COLUMNS.join(', ')}, endpoint, stream, usage_source)
     SELECT ${COLUMNS.join(', ')}, 'chat.completions', false, 'upstream'
     FROM json_populate_recordset(NULL::usage_records, $1::json)`,
    [JSON.stringify(records)],
  );
}

export interface World {
  tenants: string[];
  /** token id → tenant id */
  tokens: Map<string, string>;
  models: string[];
  channels: (string | null)[];
}

export function makeWorld(): World {
  const tenants = [randomUUID(), randomUUID(), randomUUID()];
  const tokens = new Map<string, string>();
  tenants.forEach((tenant, i) => {
    for (let k = 0; k <= i; k++) tokens.set(randomUUID(), tenant);
  });
  return {
    tenants,
    tokens,
    models: ['gpt-4o', 'claude-3-5-sonnet', '通义千问-max'],
    channels: [randomUUID(), randomUUID(), randomUUID(), null],
  };
}

/** `count` random records with started_at in [start, start + spanMs). */
export function randomRecords(
  world: World,
  random: () => number,
  count: number,
  start: Date,
  spanMs: number,
): RawRecord[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const tokenIds = [...world.tokens.keys()];
  return Array.from({ length: count }, () => {
    const tokenId = pick(tokenIds);
    const status = pick([200, 200, 200, 200, 200, 429, 500, 499, 400]);
    const failedStream = status === 200 && random() < 0.05;
    const prompt = Math.floor(random() * 5_000);
    return {
      request_id: randomUUID(),
      started_at: new Date(start.getTime() + Math.floor(random() * spanMs)).toISOString(),
      tenant_id: world.tokens.get(tokenId) as string,
      token_id: tokenId,
      model: pick(world.models),
      channel_id: pick(world.channels),
      prompt_tokens: prompt,
      cached_tokens: Math.floor(random() * prompt),
      completion_tokens: Math.floor(random() * 2_000),
      reasoning_tokens: Math.floor(random() * 300),
      // Up to ~90 USD, sometimes large, never a float.
      cost_nano: (BigInt(Math.floor(random() * 1e9)) * BigInt(1 + Math.floor(random() * 90))).toString(),
      // Coarse values so that histograms have repeated values, fine ones so that they do not.
      latency_ms: random() < 0.5 ? 100 * Math.floor(random() * 30) : Math.floor(random() * 20_000),
      ttft_ms: random() < 0.3 ? null : Math.floor(random() * 2_000),
      status,
      error_code: status >= 400 || failedStream ? 'upstream_error' : null,
    };
  });
}

export const SUPER_ADMIN: Actor = {
  userId: randomUUID(),
  email: 'root@example.test',
  role: Role.SuperAdmin,
  tenantId: null,
  ip: null,
  requestId: null,
};

/** The summary service over a real repository; tokens and channels answered from `world`. */
export function summaryService(
  dataSource: DataSource,
  world: World,
  memberTokens: string[] = [],
): UsageQueryService {
  const tokens = { idsOwnedBy: async () => memberTokens } as unknown as TokensService;
  const channels = {
    findOrFail: async (id: string) => ({ id, name: `channel ${world.channels.indexOf(id)}` }),
  } as unknown as ChannelsService;
  return new UsageQueryService(dataSource.getRepository(UsageRecord), tokens, channels);
}
