// Admission of a relayed request in one Redis round trip (ADMIT_REQUEST): its worst-case hold
// (docs/design.md invariant 6), its token's rpm/tpm (invariant 5) and the first usable key of the
// planned order with a sticky session's key first, checked together so that a refusal writes
// nothing, and once per request id (a re-sent script answers as the first run did).
import { Inject, Injectable, Logger } from '@nestjs/common';
import { BalanceMirror, verdictOf, type HoldRequest, type PlacedHold } from '@gateway/billing';
import { LuaScript, packArgv, REDIS } from '@gateway/redis';
import type { TokenSnapshot } from '@gateway/tokens';
import type Redis from 'ioredis';
import {
  addPassedOver,
  NOTHING_PASSED_OVER,
  POOL_WINDOW,
  RelayLimiter,
  type FirstAcquisition,
  type KeyModel,
  type PassedOver,
} from '../../limits/relay-limiter';
import { RelayError, RelayErrorCode } from '../../relay.errors';
import { rememberedOf, type Remembered } from '../../relay/sticky-sessions';
import type { UnansweredAdmission, UsageDraft } from '../../relay/usage-draft';
import { stickyLayout, stickyOrder, type StickyCandidate } from '../../routing/sticky-order';
import { ABANDON_ADMISSION, ADMIT_REQUEST, HOLD_ARGS, HOLD_KEYS } from './hot-path-scripts';
import { WorstCaseHold } from './worst-case-hold';

// The number of keys varies with the pool: it comes as the first argument.
const admitRequest = new LuaScript<(number | string)[]>(ADMIT_REQUEST);
const abandonAdmission = new LuaScript<(number | string)[]>(ABANDON_ADMISSION, 6);

/** Hints of sessions' keys, the most recent MAX_HINTS of them, each for HINT_TTL_MS at most. */
class SessionKeyHints {
  private readonly hints = new Map<string, { keyId: string; at: number }>();

  recall(session: string, now: number): string | null {
    const hint = this.hints.get(session);
    return hint === undefined || now - hint.at > HINT_TTL_MS ? null : hint.keyId;
  }

  note(session: string, keyId: string, now: number): void {
    this.hints.delete(session);
    if (this.hints.size >= MAX_HINTS) this.hints.delete(this.hints.keys().next().value as string);
    this.hints.set(session, { keyId, at: now });
  }
}

/** How often one admission follows its session to another key before it gives up (a 500). */
const MAX_REORDERS = 3;
/** At most this many sessions' hints (about 200 bytes each). */
const MAX_HINTS = 10_000;
/** A hint older than the shortest time a session is remembered (an inferred conversation's) is not used. */
const HINT_TTL_MS = 30 * 60_000;

/** The key ids of the candidates from `from` on, as the script looks a key up: ',a,b,'. */
function laterKeyIds(candidates: readonly StickyCandidate[], from: number): string {
  let ids = ',';
  for (let i = from; i < candidates.length; i++) ids += `${(candidates[i] as StickyCandidate).key.id},`;
  return ids;
}

/** What the script is told when candidates come after the window, without their ids (ADMIT_REQUEST). */
const SOME_LATER = '*';

/** Is `keyId` a candidate from `from` on? */
function isLater(candidates: readonly StickyCandidate[], from: number, keyId: string): boolean {
  for (let i = from; i < candidates.length; i++)
    if ((candidates[i] as StickyCandidate).key.id === keyId) return true;
  return false;
}

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
  /**
   * The key each recent session of a large pool was admitted on in this process: the plan puts it
   * first before it is cut into windows, so the session's key is in the first one (the script still
   * checks it against what Redis remembers, and says so when another process moved the session).
   */
  private readonly sessionKeys = new SessionKeyHints();

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
   *
   * A large pool goes to Redis a window at a time (POOL_WINDOW candidates, then twice as many each
   * time none of a window could be taken, as RelayLimiter.acquireFirst does), so a request's work
   * does not grow with the pool: the script is told the key ids of the candidates after the window,
   * and answers, writing nothing, when the session's key is among those (it is then asked again with
   * that key first) or when the window had no usable key and more are left (asked again with the
   * next window). Each decision is the one a single run over the whole pool would make.
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
    const hint =
      stickyKey === null || keys.length <= POOL_WINDOW ? null : this.sessionKeys.recall(stickyKey, now);
    let planned: readonly C[] = hint === null ? keys : stickyOrder(keys, hint);
    // Whether the script is told which keys come after the window (a large pool's, a few KB), so that
    // it can tell a session's key among them: not when there is no session, nor when the session's key
    // leads the plan (this process admitted the session last, the usual case). A session whose key is
    // then outside the window (another process moved it) is answered as one among the later keys, and
    // asked about again with them listed should it be none of them.
    let listLater = stickyKey !== null && (hint === null || planned[0]?.key.id !== hint);
    let start = 0;
    let size = POOL_WINDOW;
    let passedOver: PassedOver = NOTHING_PASSED_OVER;
    let reorders = 0;
    for (;;) {
      const window = planned.slice(start, start + size);
      const later =
        planned.length <= start + size ? '' : listLater ? laterKeyIds(planned, start + size) : SOME_LATER;
      const answer = await this.run(
        token,
        draft,
        estimate,
        held,
        hold,
        tokenWindow,
        window,
        later,
        now,
        stickyKey,
      );
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
      if (stage === 4) {
        // Asked again: once, unless other processes move the session again meanwhile.
        if (++reorders > MAX_REORDERS) {
          throw new Error(
            `request ${draft.requestId}: its session moved to another key ${reorders} times while admitted`,
          );
        }
        const moved = rememberedOf(String(taken[0] ?? ''))?.keyId ?? null;
        if (moved === null || !isLater(planned, start + size, moved)) {
          // Not a later key after all (told only that some come later): the same window again, with
          // the later keys listed, which the script then finds it is not among.
          listLater = true;
          continue;
        }
        // The session's key comes later in the plan: asked again with it first, from the start.
        planned = stickyOrder(planned, moved);
        listLater = false;
        start = 0;
        size = POOL_WINDOW;
        continue;
      }
      const acquisition = this.limiter.acquisitionOf(taken.slice(0, 6).map(Number));
      if (stage === 5) {
        passedOver = addPassedOver(passedOver, acquisition);
        start += size;
        size *= 2;
        continue;
      }
      const placed = String(taken[6] ?? '') as PlacedHold;
      if (placed !== '') draft.hold = placed;
      const remembered = rememberedOf(String(taken[7] ?? ''));
      const ordered = stickyOrder(window, remembered?.keyId ?? null);
      // The whole plan in one window (up to POOL_WINDOW keys, the usual case): nothing to put around it.
      const candidates =
        window.length === planned.length
          ? ordered
          : [...planned.slice(0, start), ...ordered, ...planned.slice(start + window.length)];
      const index = acquisition.index < 0 ? -1 : start + acquisition.index;
      const key = candidates[index]?.key;
      if (key !== undefined) this.limiter.keyTaken(key.id);
      if (stickyKey !== null && keys.length > POOL_WINDOW) {
        const kept = key?.id ?? remembered?.keyId;
        if (kept !== undefined) this.sessionKeys.note(stickyKey, kept, now);
      }
      return {
        tokenWindow,
        candidates,
        acquisition:
          start === 0 ? acquisition : { ...acquisition, ...addPassedOver(passedOver, acquisition), index },
        remembered,
      };
    }
  }

  /** One run of ADMIT_REQUEST for one window of the plan (a mirror not loaded yet is loaded first). */
  private async run<C extends KeyModel & StickyCandidate>(
    token: TokenSnapshot,
    draft: UsageDraft,
    estimate: { estimatedTokens: number },
    held: ReturnType<BalanceMirror['holdArguments']> | null,
    hold: HoldRequest | null,
    tokenWindow: string | null,
    window: readonly C[],
    later: string,
    now: number,
    stickyKey: string | null,
  ): Promise<(number | string)[]> {
    const acquiring = this.limiter.acquisitionArguments(window, estimate.estimatedTokens, now);
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
      later,
      ...stickyLayout(window),
      ...acquiring.args,
    ];
    // About 75 values: sent as one argument, which ioredis writes without taking each one apart.
    const packed = packArgv(args);
    const run = () => admitRequest.run(this.redis, keyNames.length, ...keyNames, packed);
    try {
      let answer = await run();
      // A mirror (then a plan period) not loaded yet: load it from PostgreSQL and ask again.
      for (let loads = 0; answer[0] === 1 && hold !== null && loads < 2; loads++) {
        if (!(await this.balances.loadFor(hold, answer[1] as number))) break;
        answer = await run();
      }
      return answer;
    } catch (error) {
      // No answer (a timeout, a dropped connection) is not a refusal: the script may have run, or
      // may still, holding and counting for a request that is now answered 503. What it did is
      // undone once the answer is out (abandon), not an hour later by the worker's reaper. (A load
      // that failed instead leaves nothing admitted: the undo then only marks the request settled.)
      draft.unansweredAdmission = {
        tokenWindow,
        estimatedTokens: estimate.estimatedTokens,
        acquiredAt: now,
        candidates: window,
      };
      throw error;
    }
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
