// The usage record of one request, filled in as the request goes (docs/design.md invariant 7: exactly
// one per request, success or failure) and turned into a UsageEvent when it is over.
import {
  billMetered,
  type BilledUnit,
  type CurrentPlan,
  type MeteredUsage,
  type PlacedHold,
  type PriceBook,
} from '@gateway/billing';
import type { Usage } from '@gateway/providers';
import type { UsageAttempt, UsageEndpoint, UsageEvent, UsageEventSource } from '@gateway/usage';
import type { AttemptSettlement, KeyModel } from '../limits/relay-limiter';
import type { StickyCandidate } from '../routing/sticky-order';
import type { StickyEntry } from './sticky-sessions';

const MAX_ERROR_MESSAGE = 1000;

/** What undoing an admission that got no answer needs besides the draft (RequestAdmission.abandon). */
export interface UnansweredAdmission {
  /** The token's minute window it would have counted the request in, or null. */
  readonly tokenWindow: string | null;
  readonly estimatedTokens: number;
  /** When the key it would have taken was counted (its windows are named by it). */
  readonly acquiredAt: number;
  /** The candidates it was given, in the plan's order. */
  readonly candidates: readonly (KeyModel & StickyCandidate)[];
}

export class UsageDraft {
  model: string;
  stream = false;
  channelId: string | null = null;
  /** For metrics only; the record keeps the id. */
  channelName: string | null = null;
  channelKeyId: string | null = null;
  upstreamModel: string | null = null;
  /** The model that answered (or was last tried): the one asked, or a chain's member. Priced as such. */
  servedModel: string | null = null;
  usage: Usage | null = null;
  usageSource: UsageEventSource = 'none';
  /** The last attempt, which reached an upstream: settled on its key along with the hold. */
  attempt: AttemptSettlement | null = null;
  /** The session's key to remember once the answer is settled (in the same round trip). */
  sticky: StickyEntry | null = null;
  /** The worst-case hold placed (its member in the holds set), which must be settled; null: none. */
  hold: PlacedHold | null = null;
  /**
   * An admission sent to Redis that got no answer (it may have run, holding and counting): undone
   * before the request is settled (RequestAdmission.abandon); null: none.
   */
  unansweredAdmission: UnansweredAdmission | null = null;
  /**
   * The amount that hold is for (set when it is computed, WorstCaseHold), plan allowance included:
   * a held request is never charged more (docs/design.md invariant 6).
   */
  heldNano: bigint | null = null;
  /** Set by costNano: what the upstream's usage cost beyond the hold, recorded and not charged. */
  writtenOffNano = 0n;
  /** The tenant's plan when the request was admitted: its period counts the request. */
  plan: CurrentPlan | null = null;
  /** What the plan's allowance covered of the cost, once settled. */
  coveredNano = 0n;
  /** The tenant's routing group, whose price multiplier applies; unknown until the tenant is read. */
  group: string | undefined = undefined;
  /** A media route's worst case, which its hold covers; null for token-billed routes. */
  worstMetered: MeteredUsage | null = null;
  /** A media route's use as served; null for token-billed routes and failed requests. */
  metered: MeteredUsage | null = null;
  /** Set by costNano: the unit and quantity the cost was computed in. */
  private billed: { unit: BilledUnit; quantity: bigint } | null = null;
  firstContentAt: number | null = null;
  status = 500;
  errorCode: string | null = null;
  errorMessage: string | null = null;
  readonly fallbacks: UsageAttempt[] = [];

  readonly requestId: string;
  readonly tenantId: string;
  readonly tokenId: string;
  /** The token's spend cap and quota epoch as the request was admitted with them (BalanceMirror). */
  readonly tokenQuotaNano: bigint | null;
  readonly tokenQuotaEpoch: number;
  readonly endpoint: UsageEndpoint;
  readonly clientIp: string | null;

  constructor(
    request: {
      readonly requestId: string;
      readonly endpoint: UsageEndpoint;
      readonly clientIp: string | undefined;
      readonly body: unknown;
    },
    token: {
      readonly tenantId: string;
      readonly id: string;
      readonly quotaNano?: bigint | null;
      readonly quotaEpoch?: number;
    },
    readonly startedAt: number,
  ) {
    this.requestId = request.requestId;
    this.tenantId = token.tenantId;
    this.tokenId = token.id;
    this.tokenQuotaNano = token.quotaNano ?? null;
    this.tokenQuotaEpoch = token.quotaEpoch ?? 0;
    this.endpoint = request.endpoint;
    this.clientIp = request.clientIp ?? null;
    // Until the body is validated, the model is whatever the client sent, if it was text.
    const model = (request.body as { model?: unknown } | null | undefined)?.model;
    this.model = typeof model === 'string' ? model.slice(0, 256) : '';
  }

  /** A worst-case hold was placed and must be settled. */
  get held(): boolean {
    return this.hold !== null;
  }

  failed(status: number, code: string, message: string): void {
    this.status = status;
    this.errorCode = code;
    this.errorMessage = message.slice(0, MAX_ERROR_MESSAGE);
  }

  /**
   * What the request is charged: the cost of what was used, but never more than its hold, so that
   * requests in flight together can never take a balance below zero (docs/design.md invariant 6).
   * The excess an upstream reported beyond the hold is kept in `writtenOffNano`. Nothing used (or
   * no price for the model) costs nothing.
   */
  costNano(prices: PriceBook | null): bigint {
    const real = this.realCostNano(prices);
    const ceiling = this.held ? this.heldNano : null;
    const charged = ceiling !== null && real > ceiling ? ceiling : real;
    this.writtenOffNano = real - charged;
    return charged;
  }

  private realCostNano(prices: PriceBook | null): bigint {
    if (this.metered !== null) {
      // At the price of the model that served (a chain's member), as chat: a chain has none of its own.
      const model = this.servedModel ?? this.model;
      const bill =
        prices === null
          ? { ...billMetered(null, this.metered), costNano: 0n }
          : prices.billOf(model, this.startedAt, this.metered, this.group);
      this.billed = { unit: bill.unit, quantity: bill.quantity };
      return bill.costNano;
    }
    if (this.usage === null || prices === null) return 0n;
    return prices.costOf(this.servedModel ?? this.model, this.startedAt, this.usage, this.group);
  }

  /** `costNano`: what costNano(prices) gave when the request was settled (computed once). */
  toEvent(costNano: bigint, endedAt: number): UsageEvent {
    const usage = this.usage;
    return {
      requestId: this.requestId,
      startedAt: new Date(this.startedAt).toISOString(),
      tenantId: this.tenantId,
      tokenId: this.tokenId,
      endpoint: this.endpoint,
      model: this.model,
      stream: this.stream,
      channelId: this.channelId,
      channelKeyId: this.channelKeyId,
      upstreamModel: this.upstreamModel,
      servedModel: this.servedModel,
      promptTokens: usage?.promptTokens ?? 0,
      cachedTokens: usage?.cachedTokens ?? 0,
      cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
      completionTokens: usage?.completionTokens ?? 0,
      reasoningTokens: usage?.reasoningTokens ?? 0,
      usageSource: usage === null ? 'none' : this.usageSource,
      billedUnit: this.billed?.unit ?? 'tokens',
      billedQuantity: Number(
        this.billed?.quantity ?? BigInt((usage?.promptTokens ?? 0) + (usage?.completionTokens ?? 0)),
      ),
      costNano: costNano.toString(),
      writtenOffNano: this.writtenOffNano.toString(),
      planPeriodStart: this.plan === null ? null : this.plan.periodStart.toISOString(),
      latencyMs: Math.max(0, endedAt - this.startedAt),
      ttftMs: this.firstContentAt === null ? null : Math.max(0, this.firstContentAt - this.startedAt),
      status: this.status,
      errorCode: this.errorCode,
      errorMessage: this.errorMessage,
      fallbacks: this.fallbacks,
      clientIp: this.clientIp,
      // Last: the settlement's payload is this JSON up to its value (payloadUpToCovered).
      coveredNano: this.coveredNano.toString(),
    };
  }
}
