// In the worker, every hour: deletes the Redis mirrors of token spend (`tq:<token>:<epoch>`) that no
// admission names any more, so that Redis does not grow with every token ever given a quota. A
// mirror is left behind when its token is deleted, when its quota is removed (a quota set again
// later starts a mirror of the next epoch, token-mirror-key.ts), and by the epochs before.
//
// Why it cannot delete a mirror in use: PostgreSQL is read after the key was seen, so a token
// missing from it was deleted (a mirror is only made for an existing token), and a quota epoch only
// moves on: a key whose epoch is behind the token's, or whose token has no quota now, is named by
// no admission that starts from now on. One that started before, with a token snapshot not yet
// invalidated, holds on the mirror first; a hold on it keeps it (DROP_IDLE_TOKEN_MIRROR), and a
// mirror such an admission makes again after the delete is the next sweep's. A live mirror this
// deleted would be no worse than one Redis lost: loaded again from PostgreSQL.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { LuaScript, REDIS, scanTargets } from '@gateway/redis';
import { quotaEpochsOf } from '@gateway/tokens/domain';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { DROP_IDLE_TOKEN_MIRROR } from './balance-scripts';

/** Keys asked of each SCAN step; also the most tokens read from PostgreSQL at once. */
const SCAN_COUNT = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const dropIdle = new LuaScript<number>(DROP_IDLE_TOKEN_MIRROR, 1);

export interface TokenMirrorSweepReport {
  /** tq keys seen. */
  scanned: number;
  /** Deleted: of a deleted token, a token without a quota, or an epoch left behind. */
  deleted: number;
  /** Left behind but still held: kept for a later sweep. */
  held: number;
}

@Injectable()
export class TokenMirrorSweep {
  private readonly logger = new Logger('TokenMirrorSweep');
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'REDIS_PREFIX'>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.prefix = `${config.REDIS_PREFIX}:tq:`;
  }

  async run(): Promise<TokenMirrorSweepReport> {
    const report: TokenMirrorSweepReport = { scanned: 0, deleted: 0, held: 0 };
    const match = `${escapeGlob(this.prefix)}*`;
    for (const server of scanTargets(this.redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await server.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
        cursor = next;
        report.scanned += keys.length;
        await this.sweep(keys, report);
      } while (cursor !== '0');
    }
    if (report.deleted > 0 || report.held > 0) {
      this.logger.log(
        `deleted ${report.deleted} token spend mirrors left behind; ${report.held} still held, kept for later`,
      );
    }
    return report;
  }

  private async sweep(keys: string[], report: TokenMirrorSweepReport): Promise<void> {
    const mirrors = keys.flatMap((key) => {
      const named = this.parse(key);
      return named === null ? [] : [{ key, ...named }];
    });
    if (mirrors.length === 0) return;
    const epochs = await quotaEpochsOf(this.dataSource.manager, [...new Set(mirrors.map((m) => m.tokenId))]);
    const stale = mirrors.filter(({ tokenId, epoch }) => {
      const current = epochs.get(tokenId);
      return current === undefined || current === null || epoch < current;
    });
    const answers = await Promise.all(stale.map(({ key }) => dropIdle.run(this.redis, key)));
    for (const answer of answers) {
      if (answer === 1) report.deleted++;
      else if (answer === -1) report.held++;
    }
  }

  /** The token and epoch a key of ours names; null for anything else under the pattern. */
  private parse(key: string): { tokenId: string; epoch: number } | null {
    if (!key.startsWith(this.prefix)) return null;
    const rest = key.slice(this.prefix.length);
    const colon = rest.lastIndexOf(':');
    if (colon < 0) return null;
    const tokenId = rest.slice(0, colon);
    const epoch = rest.slice(colon + 1);
    if (!UUID.test(tokenId) || !/^\d{1,9}$/.test(epoch)) return null;
    return { tokenId, epoch: Number(epoch) };
  }
}

/** A literal for SCAN's MATCH: the prefix is the operator's and may hold glob characters. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
