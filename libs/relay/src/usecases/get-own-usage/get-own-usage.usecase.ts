// GET /v1/usage: the calling token's own spend and what is left, live (OpenAI has no such call).
import { Injectable } from '@nestjs/common';
import { BalanceMirror, CurrentPlans } from '@gateway/billing';
import { nanoToUsd } from '@gateway/db';
import { RelayCallers } from '../../relay/relay-caller';
import type { GetOwnUsageCommand } from './get-own-usage.command';

export interface OwnUsage {
  object: 'usage';
  token: {
    name: string;
    quotaUsd: string | null;
    usedUsd: string;
    remainingUsd: string | null;
    expiresAt: string | null;
  };
  tenant: { balanceUsd: string; heldUsd: string };
  /** What the tenant's plan leaves this period (null: no plan; a null limit: unlimited). */
  plan: {
    name: string;
    periodStart: string;
    periodEnd: string;
    includedLeftUsd: string | null;
    requestsLeft: string | null;
    inputTokensLeft: string | null;
    outputTokensLeft: string | null;
    spendLeftUsd: string | null;
  } | null;
}

/** What a limit leaves (never below 0); null for no limit. */
const left = (limit: bigint | null, used = 0n) => (limit === null ? null : limit > used ? limit - used : 0n);
const count = (value: bigint | null) => (value === null ? null : value.toString());
const usd = (value: bigint | null) => (value === null ? null : nanoToUsd(value));

@Injectable()
export class GetOwnUsage {
  constructor(
    private readonly callers: RelayCallers,
    private readonly balances: BalanceMirror,
    private readonly plans: CurrentPlans,
  ) {}

  async execute(command: GetOwnUsageCommand): Promise<OwnUsage> {
    const token = await this.callers.authenticate(command);
    await this.callers.tenantOf(token);
    const live = await this.balances.live(token.tenantId, token);
    const remaining = token.quotaNano === null ? null : token.quotaNano - live.tokenUsedNano;
    const plan = await this.plans.get(token.tenantId);
    const counters = plan === null ? null : await this.balances.planPeriod(token.tenantId, plan);
    return {
      object: 'usage',
      token: {
        name: token.name,
        quotaUsd: usd(token.quotaNano),
        usedUsd: nanoToUsd(live.tokenUsedNano),
        remainingUsd: remaining === null ? null : nanoToUsd(remaining > 0n ? remaining : 0n),
        expiresAt: token.expiresAt === null ? null : new Date(token.expiresAt).toISOString(),
      },
      tenant: { balanceUsd: nanoToUsd(live.balanceNano), heldUsd: nanoToUsd(live.heldNano) },
      plan:
        plan === null
          ? null
          : {
              name: plan.plan.name,
              periodStart: plan.periodStart.toISOString(),
              periodEnd: plan.periodEnd.toISOString(),
              includedLeftUsd: usd(left(plan.plan.includedNano, counters?.cov)),
              requestsLeft: count(left(plan.plan.limitRequests, counters?.req)),
              inputTokensLeft: count(left(plan.plan.limitInputTokens, counters?.in)),
              outputTokensLeft: count(left(plan.plan.limitOutputTokens, counters?.out)),
              spendLeftUsd: usd(left(plan.plan.limitSpendNano, counters?.spend)),
            },
    };
  }
}
