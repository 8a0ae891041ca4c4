// Admission of a relayed request in one Redis round trip (ADMIT_REQUEST): its worst-case hold
// (docs/design.md invariant 6), its token's rpm/tpm (invariant 5) and the first usable key of the
// planned order with a sticky session's key first, checked together so that a refusal writes
// nothing, and once per request id (a re-sent script answers as the first run did).
import { Inject, Injectable } from '@nestjs/common';
import { BalanceMirror, verdictOf, type HoldRequest, type PlacedHold } from '@gateway/billing';
import { LuaScript, packArgv, REDIS } from '@gateway/redis';
import type { TokenSnapshot } from '@gateway/tokens';
import type Redis from 'ioredis';
import { RelayLimiter, type FirstAcquisition, type KeyModel } from '../../limits/relay-limiter';
import { RelayError, RelayErrorCode } from '../../relay.errors';
import { rememberedOf, type Remembered } from '../../relay/sticky-sessions';
import type { UsageDraft } from '../../relay/usage-draft';
import { stickyLayout, stickyOrder, type StickyCandidate } from '../../routing/sticky-order';
import { ADMIT_REQUEST, HOLD_ARGS, HOLD_KEYS } from './hot-path-scripts';
import { WorstCaseHold } from './worst-case-hold';

// The number of keys varies with the pool: it comes as the first argument.
const admitRequest = new LuaScript<(number | string)[]>(ADMIT_REQUEST);

export interface Admitted<C> {
  /** The token's minute window the request was counted in, or null (the token has no limits). */
  tokenWindow: string | null;
  /** The candidates in the order they are tried: the plan's, with the session's key first. */
  candidates: C[];
  /** The key taken (an index into `candidates`) and the keys passed over. */
  acquisition: FirstAcquisition;
  /** The session's remembered key and when it was written (StickySessions), or null for none. */
  remembered: Remembered | null;
}

@Injectable()
export class RequestAdmission {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly balances: BalanceMirror,
    private readonly limiter: RelayLimiter,
    private readonly worstCase: WorstCaseHold,
  ) {}

  /**
   * Holds the request's worst case, counts it against its token's limits and takes the first usable
   * key of `keys` (the session's key first, when `stickyKey` names one remembered in Redis), or
   * throws the 402 / 429 that says what is short. The draft gets the hold when one was placed (a key
   * was taken): it must then be settled, whatever happens next.
   */
  async admit<C extends KeyModel & StickyCandidate>(
    token: TokenSnapshot,
    draft: UsageDraft,
    estimate: { promptTokens: number; completionCeiling: number; estimatedTokens: number },
    keys: readonly C[],
    now: number,
    /** The models the request may be served by (a chain's): the dearest is held. */
    models: readonly string[],
    /** The Redis key of the session's remembered key (StickySessions), or null without a session. */
    stickyKey: string | null,
  ): Promise<Admitted<C>> {
    const hold = await this.worstCase.request(
      token,
      draft,
      estimate.promptTokens,
      estimate.completionCeiling,
      models,
    );
    const tokenWindow = this.limiter.tokenWindowOf(token, now);
    const held = hold === null ? null : this.balances.holdArguments(hold);
    const acquiring = this.limiter.acquisitionArguments(keys, estimate.estimatedTokens, now);
    const keyNames = [
      ...(held?.keys ?? Array<string>(HOLD_KEYS).fill(this.limiter.absent)),
      tokenWindow ?? this.limiter.absent,
      stickyKey ?? this.limiter.absent,
      this.balances.onceKey(draft.requestId),
      ...acquiring.keys,
    ];
    const args = [
      held === null ? '0' : '1',
      ...(held?.args ?? Array<string>(HOLD_ARGS).fill('')),
      ...this.limiter.tokenArguments(token, estimate.estimatedTokens),
      this.balances.onceTtlMs(),
      ...stickyLayout(keys),
      ...acquiring.args,
    ];
    // About 75 values: sent as one argument, which ioredis writes without taking each one apart.
    const packed = packArgv(args);
    const run = () => admitRequest.run(this.redis, keyNames.length, ...keyNames, packed);
    let answer = await run();
    // A mirror (then a plan period) not loaded yet: load it from PostgreSQL and ask again.
    for (let loads = 0; answer[0] === 1 && hold !== null && loads < 2; loads++) {
      if (!(await this.balances.loadFor(hold, answer[1] as number))) break;
      answer = await run();
    }
    const [stage, ...taken] = answer;
    const a = Number(taken[0] ?? 0);
    if (stage === 1) throw this.refusal(a, hold as HoldRequest);
    if (stage === 3) throw new Error(`request ${draft.requestId} was admitted again after it was settled`);
    if (stage === 2) {
      const refused = this.limiter.tokenRefusal(a, now);
      if (!refused.ok) {
        throw new RelayError(
          RelayErrorCode.RateLimitExceeded,
          `this key's ${refused.limit} limit is reached; retry after the current minute`,
          { retryAfterMs: refused.retryAfterMs },
        );
      }
    }
    const acquisition = this.limiter.acquisitionOf(taken.slice(0, 6).map(Number));
    const placed = String(taken[6] ?? '') as PlacedHold;
    if (placed !== '') draft.hold = placed;
    const remembered = rememberedOf(String(taken[7] ?? ''));
    const candidates = stickyOrder(keys, remembered?.keyId ?? null);
    const key = candidates[acquisition.index]?.key;
    if (key !== undefined) this.limiter.keyTaken(key.id);
    return { tokenWindow, candidates, acquisition, remembered };
  }

  private refusal(code: number, hold: HoldRequest): RelayError | Error {
    const verdict = verdictOf(code);
    return verdict === 'held'
      ? new Error('the admission script refused a hold it would place')
      : this.worstCase.refused(verdict, hold);
  }
}
