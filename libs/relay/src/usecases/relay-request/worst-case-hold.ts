// Before any upstream call, the request's worst-case cost is held against the tenant's balance and
// the token's quota, and on a plan against its limits and allowance (docs/design.md invariant 6).
import { Injectable } from '@nestjs/common';
import { MAX_HOLD_NANO, PriceBookService, type HoldRequest, type HoldVerdict } from '@gateway/billing';
import { nanoToUsd } from '@gateway/db';
import type { TokenSnapshot } from '@gateway/tokens';
import { RelayError, RelayErrorCode } from '../../relay.errors';
import type { UsageDraft } from '../../relay/usage-draft';

@Injectable()
export class WorstCaseHold {
  constructor(private readonly prices: PriceBookService) {}

  /**
   * The hold a request needs, or null: a model without a price costs nothing and, for a tenant
   * without a plan, holds nothing. The relay's admission script places it (RequestAdmission).
   */
  async request(
    token: TokenSnapshot,
    draft: UsageDraft,
    promptTokens: number,
    completionCeiling: number,
    /** The models the request may be served by (a chain's): the dearest is held. */
    models: readonly string[] = [draft.model],
  ): Promise<HoldRequest | null> {
    const prices = await this.prices.current();
    let worst = 0n;
    for (const model of models) {
      // A media route holds its worst case in its own unit (n images, the upload's duration bound, …).
      const cost =
        draft.worstMetered === null
          ? prices.worstCostOf(model, draft.startedAt, { promptTokens, completionCeiling }, draft.group)
          : prices.billOf(model, draft.startedAt, draft.worstMetered, draft.group).costNano;
      if (cost > worst) worst = cost;
    }
    if (worst <= 0n && draft.plan === null) return null;
    // A worst case no balance can hold (a huge default ceiling × many answers) is refused as any
    // unaffordable request is, not left to fail inside the admission as a 500.
    if (worst > MAX_HOLD_NANO) {
      throw new RelayError(RelayErrorCode.InsufficientQuota, refusal('balance', worst, completionCeiling));
    }
    // The ceiling of what the request may be charged, once the hold is placed (UsageDraft.costNano).
    draft.heldNano = worst;
    return {
      requestId: draft.requestId,
      tenantId: token.tenantId,
      tokenId: token.id,
      amountNano: worst,
      tokenQuotaNano: token.quotaNano,
      tokenQuotaEpoch: token.quotaEpoch,
      plan: draft.plan,
      inputTokens: promptTokens,
      outputTokens: completionCeiling,
    };
  }

  /** The 402 for a refused hold. */
  refused(verdict: Exclude<HoldVerdict, 'held'>, hold: HoldRequest): RelayError {
    return new RelayError(
      RelayErrorCode.InsufficientQuota,
      refusal(verdict, hold.amountNano, hold.outputTokens),
    );
  }
}

/** Why a hold was refused, for the 402 the client gets. */
function refusal(verdict: Exclude<HoldVerdict, 'held'>, worst: bigint, completionCeiling: number): string {
  const cost = `this request may cost up to $${nanoToUsd(worst)}`;
  switch (verdict) {
    case 'quota':
      return `this key's quota is used up (${cost})`;
    case 'balance':
      return `the balance is too low for this request (${cost}); top up or lower max_tokens`;
    case 'plan_requests':
      return "the plan's request limit for this billing period is reached";
    case 'plan_input_tokens':
      return "the plan's input-token limit for this billing period is reached";
    case 'plan_output_tokens':
      return `the plan's output-token limit for this billing period would be exceeded by up to ${completionCeiling} output tokens; lower max_tokens`;
    case 'plan_spend':
      return `the plan's spend limit for this billing period would be exceeded (${cost}); lower max_tokens`;
  }
}
