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
//
// It also deletes the mirrors of the layout before `funds` (balance-scripts.ts), which nothing of
// this version names: a tenant's `bal:<tenant>` and a token's `tq:<token>` (no epoch). Processes of
// an earlier version still running in a rolling upgrade check them, so one is kept while a hold is
// on it (its `held`, which such a process raises in the script that places the hold); deleted, it
// is loaded again from PostgreSQL by whichever such process needs it next, as after a Redis restart.
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
  /** Mirrors of the layout before `funds` deleted (`bal:<tenant>`, `tq:<token>`). */
  legacy: number;
  /** Left behind (of either layout) but still held: kept for a later sweep. */
  held: number;
}

@Injectable()
export class TokenMirrorSweep {
  private readonly logger = new Logger('TokenMirrorSweep');
  private readonly prefix: string;
  private readonly legacyBalancePrefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'REDIS_PREFIX'>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.prefix = `${config.REDIS_PREFIX}:tq:`;
    this.legacyBalancePrefix = `${config.REDIS_PREFIX}:bal:`;
  }

  async run(): Promise<TokenMirrorSweepReport> {
    const report: TokenMirrorSweepReport = { scanned: 0, deleted: 0, legacy: 0, held: 0 };
    await this.scan(this.prefix, (keys) => this.sweep(keys, report), report);
    await this.scan(this.legacyBalancePrefix, (keys) => this.dropIdle(keys, report, 'legacy'), report);
    if (report.deleted > 0 || report.legacy > 0 || report.held > 0) {
      this.logger.log(
        `deleted ${report.deleted} token spend mirrors left behind and ${report.legacy} of the layout before; ` +
          `${report.held} still held, kept for later`,
      );
    }
    return report;
  }

  /** Every key under `prefix`, a SCAN step's worth at a time, on every server that holds keys. */
  private async scan(
    prefix: string,
    each: (keys: string[]) => Promise<void>,
    report: TokenMirrorSweepReport,
  ): Promise<void> {
    const match = `${escapeGlob(prefix)}*`;
    for (const server of scanTargets(this.redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await server.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
        cursor = next;
        report.scanned += keys.length;
        await each(keys);
      } while (cursor !== '0');
    }
  }

  private async sweep(keys: string[], report: TokenMirrorSweepReport): Promise<void> {
    const mirrors: { key: string; tokenId: string; epoch: number }[] = [];
    const legacy: string[] = [];
    for (const key of keys) {
      const named = this.parse(key);
      if (named === 'legacy') legacy.push(key);
      else if (named !== null) mirrors.push({ key, ...named });
    }
    await this.dropIdle(legacy, report, 'legacy');
    if (mirrors.length === 0) return;
    const epochs = await quotaEpochsOf(this.dataSource.manager, [...new Set(mirrors.map((m) => m.tokenId))]);
    const stale = mirrors.filter(({ tokenId, epoch }) => {
      const current = epochs.get(tokenId);
      return current === undefined || current === null || epoch < current;
    });
    await this.dropIdle(
      stale.map(({ key }) => key),
      report,
      'deleted',
    );
  }

  /** Deletes each of `keys` unless a hold is on it; counted as `counter` or held. */
  private async dropIdle(
    keys: string[],
    report: TokenMirrorSweepReport,
    counter: 'deleted' | 'legacy',
  ): Promise<void> {
    const answers = await Promise.all(keys.map((key) => dropIdle.run(this.redis, key)));
    for (const answer of answers) {
      if (answer === 1) report[counter]++;
      else if (answer === -1) report.held++;
    }
  }

  /**
   * The token and epoch a key of ours names, 'legacy' for a token mirror of the layout before
   * (`tq:<token>`), null for anything else under the pattern.
   */
  private parse(key: string): { tokenId: string; epoch: number } | 'legacy' | null {
    if (!key.startsWith(this.prefix)) return null;
    const rest = key.slice(this.prefix.length);
    const colon = rest.lastIndexOf(':');
    if (colon < 0) return UUID.test(rest) ? 'legacy' : null;
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
