// Relaying one completion or embedding, the /v1 hot path (docs/design.md): token auth → admission →
// route → upstream → stream back → settle → usage record. No Postgres round trip once warm: tokens,
// tenants, channels and prices come from in-process snapshots; limits, cooldowns and sticky
// sessions from Redis; the usage record leaves through a Redis stream.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { CurrentPlans } from '@gateway/billing';
import {
  bindOpenAiRequest,
  ingressAttempt,
  parseOpenAiRequest,
  RequestValidationError,
  type AttemptAdapter,
  type OpenAiEndpoint,
  type ProviderAdapter,
} from '@gateway/providers';
import { RuntimeSettings, type RuntimeSettingsValues } from '@gateway/settings';
import { checkToken, type TokenSnapshot } from '@gateway/tokens';
import { RelayLimiter } from '../../limits/relay-limiter';
import { RelayMetrics } from '../../metrics/relay-metrics';
import { RelayError, RelayErrorCode } from '../../relay.errors';
import { asRelayError } from '../../relay/as-relay-error';
import { AttemptRunner } from '../../relay/attempt-runner';
import type { ClientResponse } from '../../relay/client-response';
import { RelayCallers } from '../../relay/relay-caller';
import {
  estimateCanonicalRequest,
  estimateRequest,
  type RequestEstimate,
} from '../../relay/request-estimate';
import { sendRelayError } from '../../relay/send-relay-error';
import { StickySessions } from '../../relay/sticky-sessions';
import { UsageDraft } from '../../relay/usage-draft';
import { planAttempts } from '../../routing/plan-attempts';
import type { RoutingTable } from '../../table/routing-table';
import { RoutingTableService } from '../../table/routing-table.service';
import { exhaustedError } from './exhausted-error';
import type { RelayIngress, RelayRequestCommand } from './relay-request.command';
import { RequestSettlement } from './request-settlement';
import { WorstCaseHold } from './worst-case-hold';
import { headerSafe } from '../../relay/header-safe';

/** The client's request as the relay routes it, whatever format the client spoke. */
interface Relayed {
  model: string;
  stream: boolean;
  estimate: RequestEstimate;
  /** Whether a channel can serve it (legacy completions and embeddings exist only in OpenAI's format). */
  servedBy(adapter: ProviderAdapter): boolean;
  /** The channel's adapter with this request bound. */
  attempt(adapter: ProviderAdapter): AttemptAdapter;
}

@Injectable()
export class RelayRequest {
  private readonly logger = new Logger('Relay');
  /** The retry policy of the settings object it was made from (settings change rarely). */
  private policy: { from: RuntimeSettingsValues; retryStatuses: ReadonlySet<number> } | null = null;

  constructor(
    private readonly callers: RelayCallers,
    private readonly tables: RoutingTableService,
    private readonly limiter: RelayLimiter,
    private readonly runner: AttemptRunner,
    private readonly sticky: StickySessions,
    private readonly worstCase: WorstCaseHold,
    private readonly settlement: RequestSettlement,
    private readonly metrics: RelayMetrics,
    private readonly plans: CurrentPlans,
    private readonly settings: RuntimeSettings,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Answers on `client` (the answer, or the error in the ingress's shape) and records the request. */
  async execute(command: RelayRequestCommand, client: ClientResponse): Promise<void> {
    const startedAt = Date.now();
    const errorBody = command.ingress?.errorBody;
    let token: TokenSnapshot;
    try {
      token = await this.callers.authenticate(command);
    } catch (error) {
      // No token, no tenant to charge: nothing to record.
      sendRelayError(client, asRelayError(error, this.logger), {}, errorBody);
      return;
    }
    const draft = new UsageDraft(command, token, startedAt);
    try {
      await this.serve(command, client, token, draft);
    } catch (error) {
      const relayError = asRelayError(error, this.logger);
      draft.failed(relayError.status, relayError.code, relayError.message);
      const fallbacks = draft.fallbacks.length;
      sendRelayError(
        client,
        relayError,
        fallbacks > 0 ? { 'x-fallback-attempts': String(fallbacks) } : {},
        errorBody,
      );
    } finally {
      await this.settlement.close(draft);
    }
  }

  private async serve(
    command: RelayRequestCommand,
    client: ClientResponse,
    token: TokenSnapshot,
    draft: UsageDraft,
  ): Promise<void> {
    const request = this.parse(command);
    draft.model = request.model;
    draft.stream = request.stream;
    this.checkModel(token, request.model, command.clientIp);
    const facts = await this.callers.tenantOf(token);
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
    const { promptTokens, estimatedTokens, completionCeiling, heldOutputTokens } = request.estimate;
    await this.worstCase.hold(token, draft, promptTokens, completionCeiling);
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
        command,
        client,
        request,
        token,
        draft,
        table,
        group: facts.group,
        promptTokens,
        heldOutputTokens,
        estimatedTokens,
        tokenWindow,
      });
    } finally {
      if (!settledToken) await this.limiter.refundToken(tokenWindow, estimatedTokens).catch(() => undefined);
    }
  }

  /** Plans the attempts and runs them in order until one answers. Returns whether the token window was settled. */
  private async route(ctx: {
    command: RelayRequestCommand;
    client: ClientResponse;
    request: Relayed;
    token: TokenSnapshot;
    draft: UsageDraft;
    table: RoutingTable;
    /** The tenant's routing group. */
    group: string;
    promptTokens: number;
    heldOutputTokens: number;
    estimatedTokens: number;
    tokenWindow: string;
  }): Promise<boolean> {
    const { command, client, request, token, draft, table, estimatedTokens, tokenWindow } = ctx;
    const gone = command.clientGone;
    const settings = await this.settings.current();
    const retryStatuses = this.retryStatusesOf(settings);
    const session = command.sessionId;
    const stickyKeyId = session === null ? null : await this.sticky.keyFor(token.id, session);
    // The order only: which keys are cooling or capped is judged in Redis, atomically, as each
    // attempt takes its key (one round trip for the whole remaining pool).
    const planned = planAttempts({
      channels: table.channels,
      model: request.model,
      groups: [ctx.group],
      random: Math.random,
      stickyKeyId,
    });
    // Legacy completions and embeddings exist only in OpenAI's format: other channels are skipped.
    let remaining = planned.filter((a) => request.servedBy(a.channel.adapter));
    if (planned.length > 0 && remaining.length === 0) {
      throw new RelayError(
        RelayErrorCode.InvalidRequest,
        `the model ${request.model} is served only through /v1/chat/completions (its channels do not speak this endpoint)`,
        { param: 'model' },
      );
    }
    let soonest: number | null = null;
    let cooling = 0;
    let capped = 0;
    const tried = new Set<string>();

    // RELAY_MAX_ATTEMPTS bounds the upstream calls; keys passed over in Redis do not count.
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
        adapter: request.attempt(channel.adapter),
        stream: request.stream,
        channel,
        key,
        upstreamModel,
        promptTokens: ctx.promptTokens,
        heldOutputTokens: ctx.heldOutputTokens,
        res: client,
        clientGone: gone,
        remainingMs,
        retryStatuses,
        headers,
      });
      this.metrics.attempts.inc({
        channel: channel.name,
        outcome: result.kind === 'served' ? 'ok' : result.kind === 'retry' ? result.reason : result.kind,
      });

      if (result.kind === 'retry') {
        if (result.reason === 'rate_limited') {
          // Fails open: a cooldown Redis did not take leaves the key in the pool.
          const until = await this.limiter
            .coolKey(key.id, result.retryAfterMs ?? null, Date.now(), {
              baseMs: settings.relayCooldownBaseMs,
              maxMs: settings.relayCooldownMaxMs,
            })
            .catch(() => Date.now() + settings.relayCooldownBaseMs);
          soonest = soonest === null ? until : Math.min(soonest, until);
        }
        // The token window stays counted: the request goes on with the next candidate.
        await this.settleKey({
          keyId: key.id,
          countedAt: acquiredAt,
          tokenWindow: null,
          outcome: result.reason === 'rate_limited' ? 'none' : 'fail',
          estimatedTokens,
          actualTokens: 0,
          now: Date.now(),
        });
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
        await this.settleKey({
          keyId: key.id,
          countedAt: acquiredAt,
          tokenWindow,
          outcome: 'none',
          estimatedTokens,
          actualTokens: 0,
          now: Date.now(),
        });
        draft.failed(499, RelayErrorCode.ClientClosed, 'the client closed the connection before the answer');
        return true;
      }
      if (result.kind === 'rejected') {
        await this.settleKey({
          keyId: key.id,
          countedAt: acquiredAt,
          tokenWindow,
          outcome: 'ok',
          estimatedTokens,
          actualTokens: 0,
          now: Date.now(),
        });
        draft.failed(result.status, result.code, result.message);
        sendRelayError(
          client,
          new RelayError(result.code, result.message, {
            status: result.status,
            param: result.param,
            type: result.type ?? undefined,
          }),
          { ...headers },
          command.ingress?.errorBody,
        );
        return true;
      }
      // Served: the answer is out, so what it used is on the record before anything else can fail.
      draft.usage = result.usage;
      draft.usageSource = result.usageSource;
      draft.firstContentAt = result.firstContentAt;
      draft.status = result.status;
      draft.errorCode = result.errorCode;
      draft.errorMessage = result.errorMessage;
      const used = result.usage === null ? 0 : result.usage.promptTokens + result.usage.completionTokens;
      await this.settleKey({
        keyId: key.id,
        countedAt: acquiredAt,
        tokenWindow,
        outcome: result.status === 499 ? 'none' : 'ok',
        estimatedTokens,
        actualTokens: used,
        now: Date.now(),
      });
      if (session !== null && result.status === 200) {
        this.sticky.remember(token.id, session, key.id).catch(() => undefined);
      }
      return true;
    }

    if (gone.aborted) {
      draft.failed(499, RelayErrorCode.ClientClosed, 'the client closed the connection before the answer');
      return false;
    }
    throw exhaustedError(draft, { soonest, cooling, capped, tried: [...tried] }, Date.now());
  }

  /**
   * A key's counters after an attempt. Fails open (docs/design.md, "Redis on the hot path"): a
   * window left as estimated corrects itself when it rolls over, and must not turn an answer the
   * client has into a failure.
   */
  private async settleKey(attempt: Parameters<RelayLimiter['settle']>[0]): Promise<void> {
    try {
      await this.limiter.settle(attempt);
    } catch (error) {
      this.logger.warn(`could not settle the counters of key ${attempt.keyId}: ${(error as Error).message}`);
    }
  }

  private retryStatusesOf(settings: RuntimeSettingsValues): ReadonlySet<number> {
    if (this.policy?.from !== settings) {
      this.policy = { from: settings, retryStatuses: new Set(settings.relayRetryStatuses) };
    }
    return this.policy.retryStatuses;
  }

  private checkModel(token: TokenSnapshot, model: string, ip: string | undefined): void {
    if (checkToken(token, { ip, model }) === 'model_not_allowed') {
      throw new RelayError(RelayErrorCode.ModelNotAllowed, `this key may not use the model ${model}`, {
        param: 'model',
      });
    }
  }

  private parse(command: RelayRequestCommand): Relayed {
    try {
      return command.ingress === undefined
        ? this.openAiRequest(command.endpoint, command.body)
        : this.ingressRequest(command.ingress, command.body);
    } catch (error) {
      if (error instanceof RequestValidationError) {
        throw new RelayError(RelayErrorCode.InvalidRequest, error.message, { param: error.param });
      }
      throw error;
    }
  }

  /** OpenAI's formats: the body passes through to OpenAI-compatible channels as it came. */
  private openAiRequest(endpoint: OpenAiEndpoint, body: unknown): Relayed {
    const request = parseOpenAiRequest(endpoint, body);
    return {
      model: request.model,
      stream: request.stream,
      estimate: estimateRequest(request, this.config.BILLING_DEFAULT_MAX_TOKENS),
      servedBy: (adapter) => adapter.endpoints.includes(request.endpoint),
      attempt: (adapter) => bindOpenAiRequest(adapter, request),
    };
  }

  /** Another ingress: parsed to canonical, which every channel's format can be built from. */
  private ingressRequest(ingress: RelayIngress, body: unknown): Relayed {
    const request = ingress.codec.parseRequest(body, ingress.context);
    // The codec accepted it, so it is a JSON object.
    const sent = body as Record<string, unknown>;
    return {
      model: request.model,
      stream: request.stream,
      estimate: estimateCanonicalRequest(request, this.config.BILLING_DEFAULT_MAX_TOKENS),
      servedBy: () => true,
      attempt: (adapter) => ingressAttempt(adapter, { codec: ingress.codec, request, body: sent }),
    };
  }
}
