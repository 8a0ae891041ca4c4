// Admission of a relayed request in one Redis round trip (ADMIT_REQUEST): its worst-case hold
// (docs/design.md invariant 6), its token's rpm/tpm (invariant 5) and the first usable key of the
// planned order with a sticky session's key first, checked together so that a refusal writes
// nothing, and once per request id (a re-sent script answers as the first run did).
import { Inject, Injectable, Logger } from '@nestjs/common';
import { BalanceMirror, verdictOf, type HoldRequest, type PlacedHold } from '@gateway/billing';
import { LuaScript, packArgv, REDIS } from '@gateway/redis';
import type { TokenSnapshot } from '@gateway/tokens';
import type Redis from 'ioredis';
import { RelayLimiter, type FirstAcquisition, type KeyModel } from '../../limits/relay-limiter';
import { RelayError, RelayErrorCode } from '../../relay.errors';
import { rememberedOf, type Remembered } from '../../relay/sticky-sessions';
import type { UnansweredAdmission, UsageDraft } from '../../relay/usage-draft';
import { stickyLayout, stickyOrder, type StickyCandidate } from '../../routing/sticky-order';
import { ABANDON_ADMISSION, ADMIT_REQUEST, HOLD_ARGS, HOLD_KEYS } from './hot-path-scripts';
import { WorstCaseHold } from './worst-case-hold';

// The number of keys varies with the pool: it comes as the first argument.
const admitRequest = new LuaScript<(number | string)[]>(ADMIT_REQUEST);
const abandonAdmission = new LuaScript<(number | string)[]>(ABANDON_ADMISSION, 6);

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
  private readonly logger = new Logger('RequestAdmission');

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
    let answer: (number | string)[];
    try {
      answer = await run();
      // A mirror (then a plan period) not loaded yet: load it from PostgreSQL and ask again.
      for (let loads = 0; answer[0] === 1 && hold !== null && loads < 2; loads++) {
        if (!(await this.balances.loadFor(hold, answer[1] as number))) break;
        answer = await run();
      }
    } catch (error) {
      // No answer (a timeout, a dropped connection) is not a refusal: the script may have run, or
      // may still, holding and counting for a request that is now answered 503. What it did is
      // undone once the answer is out (abandon), not an hour later by the worker's reaper. (A load
      // that failed instead leaves nothing admitted: the undo then only marks the request settled.)
      draft.unansweredAdmission = {
        tokenWindow,
        estimatedTokens: estimate.estimatedTokens,
        acquiredAt: now,
        candidates: keys,
      };
      throw error;
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

  /**
   * Undoes an admission that got no answer (ABANDON_ADMISSION), after the request was answered: the
   * request is marked settled, so an admission that runs later writes nothing, and what one that ran
   * did is given back: its hold (at no cost), the token window's and the key's estimates. Should
   * Redis not answer this either, the hold expires and the worker reaps it, as before.
   */
  async abandon(draft: UsageDraft, unanswered: UnansweredAdmission): Promise<void> {
    try {
      const { keys, args } = this.balances.settleArguments({
        tenantId: draft.tenantId,
        tokenId: draft.tokenId,
        tokenQuotaNano: draft.tokenQuotaNano,
        tokenQuotaEpoch: draft.tokenQuotaEpoch,
        requestId: draft.requestId,
        hold: null,
        costNano: 0n,
        plan: draft.plan,
        counted: false,
        inputTokens: 0,
        outputTokens: 0,
      });
      const ran = await abandonAdmission.run(
        this.redis,
        ...keys,
        unanswered.tokenWindow ?? this.limiter.absent,
        this.balances.onceKey(draft.requestId),
        ...args,
        String(unanswered.estimatedTokens),
        this.balances.onceTtlMs(),
      );
      if (ran.length === 0) return;
      const [position, sticky] = ran;
      const taken = stickyOrder(unanswered.candidates, rememberedOf(String(sticky ?? ''))?.keyId ?? null)[
        Number(position) - 1
      ];
      this.logger.warn(`${draft.requestId}: its admission ran without an answer; undone`);
      if (taken === undefined) return;
      await this.limiter.settle(
        {
          keyId: taken.key.id,
          limits: taken.key,
          upstreamModel: taken.upstreamModel,
          countedAt: unanswered.acquiredAt,
          tokenWindow: null,
          outcome: 'none',
          estimatedTokens: unanswered.estimatedTokens,
          actualTokens: 0,
          now: Date.now(),
        },
        { requestId: draft.requestId, step: 'abandon' },
      );
    } catch (error) {
      this.logger.warn(
        `${draft.requestId}: could not undo an admission that got no answer (a hold it placed expires): ${(error as Error).message}`,
      );
    }
  }

  private refusal(code: number, hold: HoldRequest): RelayError | Error {
    const verdict = verdictOf(code);
    return verdict === 'held'
      ? new Error('the admission script refused a hold it would place')
      : this.worstCase.refused(verdict, hold);
  }
}
