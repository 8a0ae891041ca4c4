// The hot path's view of money: tenant balances and token quotas mirrored in Redis, where holds are
// placed and settled atomically across API processes. PostgreSQL (the ledger) stays the record; the
// mirror is loaded from it once per tenant/token and kept current by applying each committed
// credit-side line in order, while usage debits land here first (at settlement) and reach the
// ledger through the usage stream.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { REDIS } from '@gateway/redis';
import { TokensService } from '@gateway/tokens';
import type Redis from 'ioredis';
import { Repository } from 'typeorm';
import { TenantBalance } from '../entities/tenant-balance.entity';
import {
  APPLY_CREDIT,
  INIT_BALANCE,
  INIT_TOKEN,
  PLACE_HOLD,
  RESYNC_CREDITS,
  SETTLE,
} from './balance-scripts';

type MirrorRedis = Redis & {
  billingInitBalance(
    key: string,
    credits: string,
    seq: string,
    debits: string,
    balance: string,
  ): Promise<number>;
  billingInitToken(key: string, used: string): Promise<number>;
  billingApplyCredit(key: string, seq: string, amount: string): Promise<string>;
  billingResyncCredits(key: string, seen: string, delta: string, seq: string): Promise<number>;
  billingPlaceHold(...args: string[]): Promise<number>;
  billingSettle(...args: string[]): Promise<number>;
  billingReapHolds(
    holds: string,
    expiry: string,
    now: string,
    batch: string,
    prefix: string,
  ): Promise<number>;
};

export interface HoldRequest {
  requestId: string;
  tenantId: string;
  tokenId: string;
  /** The request's worst-case cost. */
  amountNano: bigint;
  /** Null: the token has no spend cap. */
  tokenQuotaNano: bigint | null;
}

export type HoldVerdict = 'held' | 'balance' | 'quota';

export interface MirrorSnapshot {
  /** credits − debits, kept as its own exact counter. */
  balance: bigint;
  credits: bigint;
  debits: bigint;
  held: bigint;
  creditSeq: bigint;
}

/** Lua numbers are doubles: beyond 2^53 an amount is no longer exact, so refuse it outright. */
const MAX_EXACT = 2n ** 53n - 1n;

@Injectable()
export class BalanceMirror {
  private readonly logger = new Logger('BalanceMirror');
  private readonly redis: MirrorRedis;
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(TenantBalance) private readonly balances: Repository<TenantBalance>,
    private readonly tokens: TokensService,
  ) {
    this.prefix = config.REDIS_PREFIX;
    redis.defineCommand('billingInitBalance', { numberOfKeys: 1, lua: INIT_BALANCE });
    redis.defineCommand('billingInitToken', { numberOfKeys: 1, lua: INIT_TOKEN });
    redis.defineCommand('billingApplyCredit', { numberOfKeys: 1, lua: APPLY_CREDIT });
    redis.defineCommand('billingResyncCredits', { numberOfKeys: 1, lua: RESYNC_CREDITS });
    redis.defineCommand('billingPlaceHold', { numberOfKeys: 4, lua: PLACE_HOLD });
    redis.defineCommand('billingSettle', { numberOfKeys: 4, lua: SETTLE });
    this.redis = redis as MirrorRedis;
  }

  /** Places a hold for a request's worst case, or says what is short. Loads a missing mirror first. */
  async hold(request: HoldRequest): Promise<HoldVerdict> {
    const amount = clampExact(request.amountNano);
    const quota = request.tokenQuotaNano === null ? '-1' : clampExact(request.tokenQuotaNano).toString();
    const args = () => [
      this.balanceKey(request.tenantId),
      this.tokenKey(request.tokenId),
      this.holdsKey(),
      this.expiryKey(),
      request.requestId,
      amount.toString(),
      '1',
      quota,
      String(Date.now() + this.config.BILLING_HOLD_TTL_MS),
      request.tenantId,
      request.tokenId,
    ];
    let result = await this.redis.billingPlaceHold(...args());
    if (result === 3) {
      await this.load(request.tenantId, request.tokenId);
      result = await this.redis.billingPlaceHold(...args());
    }
    if (result === 0) return 'held';
    if (result === 2) return 'quota';
    if (result === 1) return 'balance';
    throw new Error('the balance mirror could not be loaded');
  }

  /** Releases the request's hold (if any is left) and debits its real cost. */
  async settle(tenantId: string, tokenId: string, requestId: string, costNano: bigint): Promise<void> {
    await this.redis.billingSettle(
      this.balanceKey(tenantId),
      this.tokenKey(tokenId),
      this.holdsKey(),
      this.expiryKey(),
      requestId,
      clampExact(costNano < 0n ? 0n : costNano).toString(),
    );
  }

  /** After a credit-side ledger line committed. Never throws: a miss is repaired from PostgreSQL. */
  async applyCredit(tenantId: string, creditSeq: bigint, amountNano: bigint): Promise<void> {
    try {
      const key = this.balanceKey(tenantId);
      const result = await this.redis.billingApplyCredit(key, creditSeq.toString(), amountNano.toString());
      if (result === 'gap') await this.resyncCredits(tenantId);
    } catch (error) {
      this.logger.error(`could not mirror a credit of tenant ${tenantId}: ${(error as Error).message}`);
    }
  }

  /**
   * A token's live spend and its tenant's live balance (settled requests included even before the
   * worker stored them), loading the mirrors first when needed. For `GET /v1/usage`.
   */
  async live(
    tenantId: string,
    tokenId: string,
  ): Promise<{ balanceNano: bigint; heldNano: bigint; tokenUsedNano: bigint }> {
    let [tenant, used] = await Promise.all([
      this.snapshot(tenantId),
      this.redis.hget(this.tokenKey(tokenId), 'used'),
    ]);
    if (tenant === null || used === null) {
      await this.load(tenantId, tokenId);
      [tenant, used] = await Promise.all([
        this.snapshot(tenantId),
        this.redis.hget(this.tokenKey(tokenId), 'used'),
      ]);
    }
    return {
      balanceNano: tenant?.balance ?? 0n,
      heldNano: tenant?.held ?? 0n,
      tokenUsedNano: BigInt(used ?? '0'),
    };
  }

  /** The mirror of a tenant, or null when it is not loaded. */
  async snapshot(tenantId: string): Promise<MirrorSnapshot | null> {
    const [credits, debits, held, seq, balance] = await this.redis.hmget(
      this.balanceKey(tenantId),
      'credits',
      'debits',
      'held',
      'creditSeq',
      'balance',
    );
    if (credits === null) return null;
    return {
      credits: BigInt(credits),
      debits: BigInt(debits ?? '0'),
      held: BigInt(held ?? '0'),
      creditSeq: BigInt(seq ?? '0'),
      balance: BigInt(balance ?? '0'),
    };
  }

  private async load(tenantId: string, tokenId: string): Promise<void> {
    const row = await this.balances.findOne({ where: { tenantId } });
    const credits = row?.creditsNano ?? 0n;
    const debits = row?.debitsNano ?? 0n;
    await this.redis.billingInitBalance(
      this.balanceKey(tenantId),
      credits.toString(),
      (row?.creditSeq ?? 0n).toString(),
      debits.toString(),
      (credits - debits).toString(),
    );
    // A credit committed between our read and the init was skipped as 'absent': read again.
    await this.resyncCredits(tenantId);
    await this.redis.billingInitToken(
      this.tokenKey(tokenId),
      (await this.tokens.usedNano(tokenId)).toString(),
    );
  }

  private async resyncCredits(tenantId: string): Promise<void> {
    const key = this.balanceKey(tenantId);
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await this.balances.findOne({ where: { tenantId } });
      if (!row) return;
      const seen = await this.redis.hget(key, 'credits');
      if (seen === null) return;
      const moved = await this.redis.billingResyncCredits(
        key,
        seen,
        (row.creditsNano - BigInt(seen)).toString(),
        row.creditSeq.toString(),
      );
      if (moved !== -1) return;
    }
    this.logger.error(`could not resync the credits of tenant ${tenantId}: they kept changing`);
  }

  private balanceKey(tenantId: string): string {
    return `${this.prefix}:bal:${tenantId}`;
  }

  private tokenKey(tokenId: string): string {
    return `${this.prefix}:tq:${tokenId}`;
  }

  private holdsKey(): string {
    return `${this.prefix}:holds`;
  }

  private expiryKey(): string {
    return `${this.prefix}:holds:exp`;
  }
}

function clampExact(nano: bigint): bigint {
  if (nano > MAX_EXACT) throw new RangeError('amount too large for the balance mirror');
  return nano;
}
