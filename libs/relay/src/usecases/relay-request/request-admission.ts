// Admission of a relayed request in one Redis round trip (ADMIT_REQUEST): its worst-case hold
// (docs/design.md invariant 6), its token's rpm/tpm (invariant 5) and the first usable key of the
// planned order, checked together so that a refusal writes nothing.
import { Inject, Injectable } from '@nestjs/common';
import { BalanceMirror, verdictOf, type HoldRequest } from '@gateway/billing';
import { REDIS } from '@gateway/redis';
import type { TokenSnapshot } from '@gateway/tokens';
import type Redis from 'ioredis';
import { RelayLimiter, type FirstAcquisition, type KeyModel } from '../../limits/relay-limiter';
import { RelayError, RelayErrorCode } from '../../relay.errors';
import type { UsageDraft } from '../../relay/usage-draft';
import { ADMIT_REQUEST, HOLD_ARGS, HOLD_KEYS } from './hot-path-scripts';
import { WorstCaseHold } from './worst-case-hold';

type AdmissionRedis = Redis & {
  relayAdmitRequest(...args: (string | number)[]): Promise<number[]>;
};

export interface Admitted {
  /** The token's minute window the request was counted in, or null (the token has no limits). */
  tokenWindow: string | null;
  /** The key taken (an index into the keys given) and the keys passed over. */
  acquisition: FirstAcquisition;
}

@Injectable()
export class RequestAdmission {
  private readonly redis: AdmissionRedis;

  constructor(
    @Inject(REDIS) redis: Redis,
    private readonly balances: BalanceMirror,
    private readonly limiter: RelayLimiter,
    private readonly worstCase: WorstCaseHold,
  ) {
    // The number of keys varies with the pool: ioredis then takes it as the first argument.
    redis.defineCommand('relayAdmitRequest', { lua: ADMIT_REQUEST });
    this.redis = redis as AdmissionRedis;
  }

  /**
   * Holds the request's worst case, counts it against its token's limits and takes the first usable
   * key of `keys`, or throws the 402 / 429 that says what is short. The draft is marked held when a
   * hold was placed (a key was taken): it must then be settled, whatever happens next.
   */
  async admit(
    token: TokenSnapshot,
    draft: UsageDraft,
    estimate: { promptTokens: number; completionCeiling: number; estimatedTokens: number },
    keys: readonly KeyModel[],
    now: number,
    /** The models the request may be served by (a chain's): the dearest is held. */
    models: readonly string[],
  ): Promise<Admitted> {
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
      ...acquiring.keys,
    ];
    const args = [
      held === null ? '0' : '1',
      ...(held?.args ?? Array<string>(HOLD_ARGS).fill('')),
      ...this.limiter.tokenArguments(token, estimate.estimatedTokens),
      ...acquiring.args,
    ];
    const run = () => this.redis.relayAdmitRequest(keyNames.length, ...keyNames, ...args);
    let answer = await run();
    // A mirror (then a plan period) not loaded yet: load it from PostgreSQL and ask again.
    for (let loads = 0; answer[0] === 1 && hold !== null && loads < 2; loads++) {
      if (!(await this.balances.loadFor(hold, answer[1] as number))) break;
      answer = await run();
    }
    const [stage, ...taken] = answer;
    const [a = 0] = taken;
    if (stage === 1) throw this.refusal(a, hold as HoldRequest);
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
    const acquisition = this.limiter.acquisitionOf(taken);
    if (hold !== null && acquisition.index >= 0) draft.held = true;
    return { tokenWindow, acquisition };
  }

  private refusal(code: number, hold: HoldRequest): RelayError | Error {
    const verdict = verdictOf(code);
    return verdict === 'held'
      ? new Error('the admission script refused a hold it would place')
      : this.worstCase.refused(verdict, hold);
  }
}
