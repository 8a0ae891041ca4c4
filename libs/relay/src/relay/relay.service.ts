// The /v1 hot path (DESIGN.md): token auth → admission → route → upstream → stream back → settle →
// usage record. No Postgres round trip once warm: tokens, tenants, channels and prices come from
// in-process snapshots; limits, cooldowns and sticky sessions from Redis; the usage record leaves
// through a Redis stream.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { BalanceMirror, CurrentPlans, HoldVerdict, PriceBook, PriceBookService } from '@gateway/billing';
import { nanoToUsd } from '@gateway/db';
import {
  parseOpenAiRequest,
  RequestValidationError,
  type OpenAiEndpoint,
  type OpenAiRequest,
} from '@gateway/providers';
import { RuntimeSettings, type RuntimeSettingsValues } from '@gateway/settings';
import { checkToken, TokenAuthService, type TokenSnapshot } from '@gateway/tokens';
import { UsageRecorder } from '@gateway/usage';
import type { Request, Response } from 'express';
import { RelayLimiter } from '../limits/relay-limiter';
import { RelayMetrics } from '../metrics/relay-metrics';
import { RelayError, RelayErrorCode } from '../relay.errors';
import { planAttempts } from '../routing/plan-attempts';
import type { RoutingTable } from '../table/routing-table';
import { RoutingTableService } from '../table/routing-table.service';
import { TenantFacts, TenantFactsService } from '../table/tenant-facts.service';
import { AttemptRunner } from './attempt-runner';
import { estimateRequest } from './request-estimate';
import { sendRelayError } from './send-relay-error';
import { StickySessions } from './sticky-sessions';
import { UsageDraft } from './usage-draft';

type RelayRequest = Request;

const MINUTE_MS = 60_000;

@Injectable()
export class RelayService {
  private readonly logger = new Logger('Relay');
  /** The retry policy of the settings object it was made from (settings change rarely). */
  private policy: { from: RuntimeSettingsValues; retryStatuses: ReadonlySet<number> } | null = null;

  constructor(
    private readonly tokens: TokenAuthService,
    private readonly tenants: TenantFactsService,
    private readonly tables: RoutingTableService,
    private readonly limiter: RelayLimiter,
    private readonly runner: AttemptRunner,
    private readonly sticky: StickySessions,
    private readonly prices: PriceBookService,
    private readonly usage: UsageRecorder,
    private readonly metrics: RelayMetrics,
    private readonly balances: BalanceMirror,
    private readonly plans: CurrentPlans,
    private readonly settings: RuntimeSettings,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** GET /v1/models (and /v1/models/:model): what this token may ask for, in OpenAI's list shape. */
  async models(req: RelayRequest, res: Response, only?: string): Promise<void> {
    try {
      const token = await this.authenticate(req);
      const facts = await this.tenantOf(token);
      const table = await this.tables.current();
      const models = table
        .modelsFor(facts.group)
        .filter((model) => token.models.size === 0 || token.models.has(model));
      const entry = (id: string) => ({ id, object: 'model', created: 0, owned_by: 'gateway' });
      if (only === undefined) {
        res.json({ object: 'list', data: models.map(entry) });
      } else if (models.includes(only)) {
        res.json(entry(only));
      } else {
        throw new RelayError(
          RelayErrorCode.ModelNotFound,
          `the model ${only} does not exist or is not available to this key`,
        );
      }
    } catch (error) {
      this.sendError(res, error);
    }
  }

  /** GET /v1/usage: the calling token's own spend and what is left, live (OpenAI has no such call). */
  async ownUsage(req: RelayRequest, res: Response): Promise<void> {
    try {
      const token = await this.authenticate(req);
      await this.tenantOf(token);
      const live = await this.balances.live(token.tenantId, token.id);
      const remaining = token.quotaNano === null ? null : token.quotaNano - live.tokenUsedNano;
      const plan = await this.plans.get(token.tenantId);
      const counters = plan === null ? null : await this.balances.planPeriod(token.tenantId, plan);
      /** What a limit leaves (never below 0); null for no limit. */
      const left = (limit: bigint | null, used = 0n) =>
        limit === null ? null : limit > used ? limit - used : 0n;
      const count = (value: bigint | null) => (value === null ? null : value.toString());
      const usd = (value: bigint | null) => (value === null ? null : nanoToUsd(value));
      res.json({
        object: 'usage',
        token: {
          name: token.name,
          quotaUsd: token.quotaNano === null ? null : nanoToUsd(token.quotaNano),
          usedUsd: nanoToUsd(live.tokenUsedNano),
          remainingUsd: remaining === null ? null : nanoToUsd(remaining > 0n ? remaining : 0n),
          expiresAt: token.expiresAt === null ? null : new Date(token.expiresAt).toISOString(),
        },
        tenant: { balanceUsd: nanoToUsd(live.balanceNano), heldUsd: nanoToUsd(live.heldNano) },
        // What the tenant's plan leaves this period (null: no plan; a null limit: unlimited).
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
      });
    } catch (error) {
      this.sendError(res, error);
    }
  }

  /** POST /v1/chat/completions, /v1/completions, /v1/embeddings. */
  async relay(endpoint: OpenAiEndpoint, req: RelayRequest, res: Response): Promise<void> {
    const startedAt = Date.now();
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    let token: TokenSnapshot;
    try {
      token = await this.authenticate(req);
    } catch (error) {
      // No token, no tenant to charge: nothing to record.
      this.sendError(res, error);
      return;
    }
    const body = req.body as { model?: unknown } | undefined;
    const draft = new UsageDraft(
      String(req.id ?? ''),
      startedAt,
      token.tenantId,
      token.id,
      endpoint,
      req.ip ?? null,
      body?.model,
    );
    try {
      await this.serve(endpoint, req, res, token, draft, gone.signal);
    } catch (error) {
      const relayError = this.asRelayError(error);
      draft.failed(relayError.status, relayError.code, relayError.message);
      this.sendError(res, relayError, draft.fallbacks.length);
    } finally {
      await this.report(draft);
    }
  }

  private async serve(
    endpoint: OpenAiEndpoint,
    req: RelayRequest,
    res: Response,
    token: TokenSnapshot,
    draft: UsageDraft,
    gone: AbortSignal,
  ): Promise<void> {
    const request = this.parse(endpoint, req.body);
    draft.model = request.model;
    draft.stream = request.stream;
    this.checkModel(token, request.model, req.ip);
    const facts = await this.tenantOf(token);
    draft.group = facts.group;
    draft.plan = await this.plans.get(token.tenantId, draft.startedAt);
    const table = await this.tables.current();
    if (!table.serves(request.model, facts.group)) {
      throw new RelayError(
        RelayErrorCode.ModelNotFound,
        `the model ${request.model} does not exist or is not served to this key`,
        { param: 'model' },
      );
    }
    const { promptTokens, estimatedTokens, completionCeiling } = estimateRequest(
      request,
      this.config.BILLING_DEFAULT_MAX_TOKENS,
    );
    await this.holdWorstCase(token, draft, promptTokens, completionCeiling);
    const admittedAt = Date.now();
    const admission = await this.limiter.admitToken(token, estimatedTokens, admittedAt);
    if (!admission.ok) {
      throw new RelayError(
        RelayErrorCode.RateLimitExceeded,
        `this key's ${admission.limit} limit is reached; retry after the current minute`,
        { retryAfterMs: admission.retryAfterMs },
      );
    }
    const tokenWindow = this.limiter.tokenWindow(token.id, admittedAt);
    let settledToken = false;
    try {
      settledToken = await this.route({
        request,
        res,
        token,
        draft,
        gone,
        table,
        facts,
        promptTokens,
        estimatedTokens,
        tokenWindow,
      });
    } finally {
      if (!settledToken) await this.limiter.refundToken(tokenWindow, estimatedTokens).catch(() => undefined);
    }
  }

  /** Plans the attempts and runs them in order until one answers. Returns whether the token window was settled. */
  private async route(ctx: {
    request: OpenAiRequest;
    res: Response;
    token: TokenSnapshot;
    draft: UsageDraft;
    gone: AbortSignal;
    table: RoutingTable;
    facts: TenantFacts;
    promptTokens: number;
    estimatedTokens: number;
    tokenWindow: string;
  }): Promise<boolean> {
    const { request, res, token, draft, gone, table, facts, estimatedTokens } = ctx;
    const settings = await this.settings.current();
    const retryStatuses = this.retryStatusesOf(settings);
    const now = Date.now();
    const session = this.sticky.sessionOf(ctx.res.req.headers['x-session-id']);
    const stickyKeyId = session === null ? null : await this.sticky.keyFor(token.id, session);
    // The order only: which keys are cooling or capped is judged in Redis, atomically, as each
    // attempt takes its key (one round trip for the whole remaining pool).
    const plan = planAttempts({
      channels: table.channels,
      model: request.model,
      groups: [facts.group],
      keyState: () => undefined,
      now,
      random: Math.random,
      maxAttempts: Number.MAX_SAFE_INTEGER,
      estimatedTokens,
      stickyKeyId,
    });
    let soonest: number | null = null;
    let cooling = 0;
    let capped = 0;
    const tried = new Set<string>();
    let remaining = plan.attempts;

    while (remaining.length > 0 && draft.fallbacks.length < settings.relayMaxAttempts) {
      const remainingMs = this.config.RELAY_DEADLINE_MS - (Date.now() - draft.startedAt);
      if (remainingMs <= 0 || gone.aborted) break;
      const acquiredAt = Date.now();
      const taken = await this.limiter.acquireFirst(
        remaining.map((a) => a.key),
        estimatedTokens,
        acquiredAt,
      );
      cooling += taken.cooling;
      capped += taken.capped;
      if (taken.soonestRecovery !== null) soonest = Math.min(soonest ?? Infinity, taken.soonestRecovery);
      if (taken.index < 0) break;
      const attempt = remaining[taken.index] as (typeof remaining)[number];
      remaining = remaining.slice(taken.index + 1);

      const { channel, key, upstreamModel } = attempt;
      tried.add(channel.name);
      draft.channelId = channel.id;
      draft.channelName = channel.name;
      draft.channelKeyId = key.id;
      draft.upstreamModel = upstreamModel;
      const headers: Record<string, string> = {
        'x-routed-via': headerSafe(`${channel.name}/${upstreamModel}`),
      };
      if (draft.fallbacks.length > 0) headers['x-fallback-attempts'] = String(draft.fallbacks.length);
      const result = await this.runner.run({
        request,
        channel,
        key,
        upstreamModel,
        promptTokens: ctx.promptTokens,
        res,
        clientGone: gone,
        remainingMs,
        retryStatuses,
        headers,
      });
      this.metrics.attempts.inc({
        channel: channel.name,
        outcome: result.kind === 'served' ? 'ok' : result.kind === 'retry' ? result.reason : result.kind,
      });
      const windows = this.limiter.windowsOf(key.id, null, acquiredAt);
      const withToken = { ...windows, tokenWindow: ctx.tokenWindow };

      if (result.kind === 'retry') {
        if (result.reason === 'rate_limited') {
          const until = await this.limiter.coolKey(key.id, result.retryAfterMs ?? null, Date.now(), {
            baseMs: settings.relayCooldownBaseMs,
            maxMs: settings.relayCooldownMaxMs,
          });
          soonest = soonest === null ? until : Math.min(soonest, until);
        }
        await this.limiter.settle(
          key.id,
          windows,
          result.reason === 'rate_limited' ? 'none' : 'fail',
          estimatedTokens,
          0,
          Date.now(),
        );
        draft.fallbacks.push({
          channelId: channel.id,
          channelName: channel.name,
          keyId: key.id,
          status: result.upstreamStatus,
          code: result.reason,
        });
        this.logger.warn(`${draft.requestId}: ${channel.name} failed (${result.reason}): ${result.message}`);
        draft.errorMessage = result.message;
        continue;
      }
      if (result.kind === 'abandoned') {
        await this.limiter.settle(key.id, withToken, 'none', estimatedTokens, 0, Date.now());
        draft.failed(499, RelayErrorCode.ClientClosed, 'the client closed the connection before the answer');
        return true;
      }
      if (result.kind === 'rejected') {
        await this.limiter.settle(key.id, withToken, 'ok', estimatedTokens, 0, Date.now());
        draft.failed(result.status, result.code, result.message);
        sendRelayError(
          res,
          new RelayError(result.code, result.message, {
            status: result.status,
            param: result.param,
            type: result.type ?? undefined,
          }),
          { ...headers },
        );
        return true;
      }
      // Served.
      const used = result.usage === null ? 0 : result.usage.promptTokens + result.usage.completionTokens;
      await this.limiter.settle(
        key.id,
        withToken,
        result.status === 499 ? 'none' : 'ok',
        estimatedTokens,
        used,
        Date.now(),
      );
      draft.usage = result.usage;
      draft.usageSource = result.usageSource;
      draft.firstContentAt = result.firstContentAt;
      draft.status = result.status;
      draft.errorCode = result.errorCode;
      draft.errorMessage = result.errorMessage;
      if (session !== null && result.status === 200) {
        this.sticky.remember(token.id, session, key.id).catch(() => undefined);
      }
      return true;
    }

    if (gone.aborted) {
      draft.failed(499, RelayErrorCode.ClientClosed, 'the client closed the connection before the answer');
      return false;
    }
    throw this.exhausted(draft, { soonest, cooling, capped, tried: [...tried] });
  }

  /**
   * Holds the request's worst-case cost against the tenant's balance and the token's quota, and on a
   * plan against its limits and allowance, before any upstream call (DESIGN.md invariant 6). A model
   * without a price costs nothing and, for a tenant without a plan, holds nothing.
   */
  private async holdWorstCase(
    token: TokenSnapshot,
    draft: UsageDraft,
    promptTokens: number,
    completionCeiling: number,
  ): Promise<void> {
    const prices = await this.prices.current();
    const worst = prices.worstCostOf(
      draft.model,
      draft.startedAt,
      { promptTokens, completionCeiling },
      draft.group,
    );
    if (worst <= 0n && draft.plan === null) return;
    const verdict = await this.balances.hold({
      requestId: draft.requestId,
      tenantId: token.tenantId,
      tokenId: token.id,
      amountNano: worst,
      tokenQuotaNano: token.quotaNano,
      plan: draft.plan,
      inputTokens: promptTokens,
      outputTokens: completionCeiling,
    });
    if (verdict === 'held') {
      draft.held = true;
      return;
    }
    throw new RelayError(RelayErrorCode.InsufficientQuota, refusal(verdict, worst, completionCeiling));
  }

  private retryStatusesOf(settings: RuntimeSettingsValues): ReadonlySet<number> {
    if (this.policy?.from !== settings) {
      this.policy = { from: settings, retryStatuses: new Set(settings.relayRetryStatuses) };
    }
    return this.policy.retryStatuses;
  }

  /** The error when no attempt answered: rate limits, timeouts, or failures, as API.md's table says. */
  private exhausted(
    draft: UsageDraft,
    seen: { soonest: number | null; cooling: number; capped: number; tried: string[] },
  ): RelayError {
    const failures = draft.fallbacks;
    const now = Date.now();
    const coolingWait = seen.soonest !== null ? Math.max(1000, seen.soonest - now) : 1000;
    const capWait = MINUTE_MS - (now % MINUTE_MS);
    if (failures.length === 0) {
      if (seen.cooling > 0) {
        return new RelayError(
          RelayErrorCode.UpstreamsRateLimited,
          `every upstream key for ${draft.model} is cooling down after rate limits`,
          { retryAfterMs: coolingWait },
        );
      }
      if (seen.capped > 0) {
        return new RelayError(
          RelayErrorCode.UpstreamsRateLimited,
          `every upstream key for ${draft.model} is at its rate limit`,
          { retryAfterMs: capWait },
        );
      }
      return new RelayError(RelayErrorCode.UpstreamError, `no upstream key is available for ${draft.model}`);
    }
    if (failures.every((f) => f.code === 'rate_limited')) {
      return new RelayError(
        RelayErrorCode.UpstreamsRateLimited,
        `every upstream for ${draft.model} is rate limited (${seen.tried.join(', ')})`,
        { retryAfterMs: coolingWait },
      );
    }
    if (failures.every((f) => f.code === 'timeout')) {
      return new RelayError(
        RelayErrorCode.UpstreamTimeout,
        `the upstream did not answer in time (tried ${seen.tried.join(', ')})`,
      );
    }
    const reasons = failures.map((f) => `${f.channelName}: ${f.status ?? f.code}`).join('; ');
    const last = draft.errorMessage ? ` Last error: ${draft.errorMessage}` : '';
    return new RelayError(RelayErrorCode.UpstreamError, `every upstream failed (${reasons}).${last}`);
  }

  private async authenticate(req: RelayRequest): Promise<TokenSnapshot> {
    const raw = apiKeyOf(req);
    if (raw === null) {
      throw new RelayError(
        RelayErrorCode.InvalidApiKey,
        'no API key: send Authorization: Bearer sk-… (or x-api-key)',
      );
    }
    const token = await this.tokens.resolve(raw);
    const verdict = checkToken(token, { ip: req.ip });
    if (verdict === 'ok') return token as TokenSnapshot;
    if (verdict === 'ip_not_allowed') {
      throw new RelayError(
        RelayErrorCode.IpNotAllowed,
        `this key may not be used from ${req.ip ?? 'this address'}`,
      );
    }
    const why =
      verdict === 'expired' ? 'has expired' : verdict === 'disabled' ? 'is disabled' : 'is not valid';
    throw new RelayError(RelayErrorCode.InvalidApiKey, `the API key ${why}`);
  }

  private checkModel(token: TokenSnapshot, model: string, ip: string | undefined): void {
    if (checkToken(token, { ip, model }) === 'model_not_allowed') {
      throw new RelayError(RelayErrorCode.ModelNotAllowed, `this key may not use the model ${model}`, {
        param: 'model',
      });
    }
  }

  private async tenantOf(token: TokenSnapshot): Promise<TenantFacts> {
    const facts = await this.tenants.get(token.tenantId);
    if (!facts?.active)
      throw new RelayError(RelayErrorCode.InvalidApiKey, "the API key's tenant is disabled");
    return facts;
  }

  private parse(endpoint: OpenAiEndpoint, body: unknown): OpenAiRequest {
    try {
      return parseOpenAiRequest(endpoint, body);
    } catch (error) {
      if (error instanceof RequestValidationError) {
        throw new RelayError(RelayErrorCode.InvalidRequest, error.message, { param: error.param });
      }
      throw error;
    }
  }

  private asRelayError(error: unknown): RelayError {
    if (error instanceof RelayError) return error;
    this.logger.error({ err: error }, 'relay failed unexpectedly');
    return new RelayError(RelayErrorCode.Internal, 'the gateway failed to handle this request');
  }

  private sendError(res: Response, error: unknown, fallbacks = 0): void {
    const headers: Record<string, string> = fallbacks > 0 ? { 'x-fallback-attempts': String(fallbacks) } : {};
    sendRelayError(res, this.asRelayError(error), headers);
  }

  /** Settles the hold at the real cost (on every path: success, error, abort) and records the usage. */
  private async report(draft: UsageDraft): Promise<void> {
    let prices: PriceBook | null = null;
    if (draft.usage !== null || draft.held) {
      try {
        prices = await this.prices.current();
      } catch (error) {
        this.logger.error(
          `${draft.requestId}: prices unavailable, cost recorded as 0: ${(error as Error).message}`,
        );
      }
    }
    const cost = draft.costNano(prices);
    if (draft.held || cost > 0n || (draft.plan !== null && draft.usage !== null)) {
      try {
        draft.coveredNano = await this.balances.settle({
          tenantId: draft.tenantId,
          tokenId: draft.tokenId,
          requestId: draft.requestId,
          costNano: cost,
          plan: draft.plan,
          // The worker counts the same way when it stores the record (store-usage-batch.ts).
          counted: draft.usage !== null,
          inputTokens: draft.usage?.promptTokens ?? 0,
          outputTokens: draft.usage?.completionTokens ?? 0,
        });
      } catch (error) {
        // The hold expires and the worker reaps it; the usage record below still carries the cost.
        this.logger.error(`${draft.requestId}: could not settle the hold: ${(error as Error).message}`);
      }
    }
    const event = draft.toEvent(cost, Date.now());
    this.usage.record(event);
    const model = draft.channelId === null ? '-' : draft.model;
    this.metrics.requests.inc({
      endpoint: draft.endpoint,
      model,
      status: String(event.status),
      code: event.errorCode ?? 'none',
    });
    if (event.promptTokens > 0) this.metrics.tokens.inc({ model, kind: 'prompt' }, event.promptTokens);
    if (event.completionTokens > 0)
      this.metrics.tokens.inc({ model, kind: 'completion' }, event.completionTokens);
    if (event.ttftMs !== null && draft.channelName !== null) {
      this.metrics.ttft.observe({ channel: draft.channelName }, event.ttftMs / 1000);
    }
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

function apiKeyOf(req: Request): string | null {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1] as string;
  }
  const apiKey = req.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.trim() !== '' ? apiKey.trim() : null;
}

/**
 * A header value Node will send: anything outside printable ASCII (a channel named 主渠道, as
 * operators coming from NewAPI often have) is percent-encoded instead of failing the response.
 */
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]+/g, (run) => encodeURIComponent(run));
}
