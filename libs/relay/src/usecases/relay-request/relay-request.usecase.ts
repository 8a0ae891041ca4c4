// Relaying one completion or embedding, the /v1 hot path (docs/design.md): token auth → admission →
// route → upstream → stream back → settle → usage record. No Postgres round trip once warm: tokens,
// tenants, channels and prices come from in-process snapshots; limits, cooldowns and sticky
// sessions from Redis, in one script before the upstream call and one after; the usage record
// leaves through a Redis stream.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AbortSignalLike } from '@gateway/common/undici';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { CurrentPlans } from '@gateway/billing';
import {
  bindOpenAiRequest,
  ingressAttempt,
  parseOpenAiRequest,
  RequestValidationError,
  type OpenAiEndpoint,
} from '@gateway/providers';
import { RuntimeSettings, type RuntimeSettingsValues } from '@gateway/settings';
import type { TokenSnapshot } from '@gateway/tokens';
import {
  RelayLimiter,
  type AttemptSettlement,
  type FirstAcquisition,
  type OnceKey,
} from '../../limits/relay-limiter';
import { RelayMetrics } from '../../metrics/relay-metrics';
import { RelayError, RelayErrorCode } from '../../relay.errors';
import { asRelayError } from '../../relay/as-relay-error';
import { type AttemptInput, AttemptRunner } from '../../relay/attempt-runner';
import type { ClientResponse } from '../../relay/client-response';
import { RelayCallers } from '../../relay/relay-caller';
import { RelayInFlight } from '../../relay/relay-in-flight';
import { estimateCanonicalRequest, estimateRequest } from '../../relay/request-estimate';
import { sendRelayError } from '../../relay/send-relay-error';
import { KeyVerdicts } from '../../relay/key-verdicts';
import { conversationOf, StickySessions } from '../../relay/sticky-sessions';
import { UsageDraft } from '../../relay/usage-draft';
import type { Attempt } from '../../routing/plan-attempts';
import { transientBackoffMs } from '../../routing/transient-retry';
import type { RoutingTable, TableChannel } from '../../table/routing-table';
import { RoutingTableService } from '../../table/routing-table.service';
import { exhaustedError } from './exhausted-error';
import { modelsToTry } from './models-to-try';
import type { RelayIngress, RelayRequestCommand } from './relay-request.command';
import { RequestSettlement } from './request-settlement';
import { RequestAdmission } from './request-admission';
import { headerSafe } from '../../relay/header-safe';
import { afterPollFirst } from '../../relay/after-poll';
import { IterationLane } from '../../relay/iteration-lane';
import type { Relayed } from './relayed';

@Injectable()
export class RelayRequest {
  private readonly logger = new Logger('Relay');
  /** The retry policy of the settings object it was made from (settings change rarely). */
  private policy: { from: RuntimeSettingsValues; retryStatuses: ReadonlySet<number> } | null = null;
  /**
   * A request's start (auth, parse, admission) waits for the rest of the poll it was read in, a share
   * of a wave at a time and never more than one iteration longer (IterationLane): the admission
   * replies and upstream answers read meanwhile go first, so a wave's first upstream calls leave
   * before its last requests are parsed (issue #16). It goes ahead of the streams' reads queued for
   * the same iteration (afterPollFirst), as it did when it ran in the poll.
   */
  private readonly intake = new IterationLane({ maxWaitIterations: 1, schedule: afterPollFirst });

  constructor(
    private readonly callers: RelayCallers,
    private readonly tables: RoutingTableService,
    private readonly limiter: RelayLimiter,
    private readonly runner: AttemptRunner,
    private readonly sticky: StickySessions,
    private readonly admission: RequestAdmission,
    private readonly settlement: RequestSettlement,
    private readonly metrics: RelayMetrics,
    private readonly verdicts: KeyVerdicts,
    private readonly plans: CurrentPlans,
    private readonly settings: RuntimeSettings,
    private readonly inFlight: RelayInFlight,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Answers on `client` (the answer, or the error in the ingress's shape) and records the request. */
  execute(command: RelayRequestCommand, client: ClientResponse): Promise<void> {
    // Counted until settled: a draining process waits for the settlement after the answer too.
    return this.inFlight.track(() => this.relay(command, client));
  }

  private async relay(command: RelayRequestCommand, client: ClientResponse): Promise<void> {
    // The request's time counts from its arrival, its wait for a turn included.
    const startedAt = Date.now();
    await this.intake.turn();
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
      if (draft.unansweredAdmission !== null) await this.admission.abandon(draft, draft.unansweredAdmission);
      await this.settlement.close(draft);
    }
  }

  private async serve(
    command: RelayRequestCommand,
    client: ClientResponse,
    token: TokenSnapshot,
    draft: UsageDraft,
  ): Promise<void> {
    const request = await this.parse(command);
    draft.model = request.model;
    draft.stream = request.stream;
    draft.worstMetered = request.worst ?? null;
    const facts = await this.callers.tenantOf(token);
    draft.group = facts.group;
    draft.plan = await this.plans.get(token.tenantId, draft.startedAt);
    const table = await this.tables.current();
    const models = modelsToTry(table, token, request.model, facts.group, command.clientIp);
    let tokenWindow: string | null = null;
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
        models,
        admitted: (window) => (tokenWindow = window),
      });
    } finally {
      if (!settledToken && tokenWindow !== null) {
        await this.limiter
          .refundToken(tokenWindow, request.estimate.estimatedTokens, {
            requestId: draft.requestId,
            step: 'refund',
          })
          .catch(() => undefined);
      }
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
    /** The models to try, in order (one, or a chain's). */
    models: readonly string[];
    /** Told the token window the request was counted in, once admitted. */
    admitted(tokenWindow: string | null): void;
  }): Promise<boolean> {
    const { command, client, request, token, draft, table } = ctx;
    const { estimatedTokens, countPrompt, heldOutputTokens } = request.estimate;
    const gone = command.clientGone;
    const settings = await this.settings.current();
    const retryStatuses = this.retryStatusesOf(settings);
    // Without x-session-id, a conversation is recognised by its leading messages (unless the group
    // turned that off), so its turns stay on the key that holds their prompt cache.
    const inferred = command.sessionId === null && table.hashesSessions(ctx.group);
    const session = inferred ? conversationOf(command.body) : command.sessionId;
    // The order only: which keys are cooling or capped is judged in Redis, atomically, as each
    // attempt takes its key (one round trip for up to POOL_WINDOW keys), and so is the session's
    // key, which the admission reads and tries first. A chain's models come one after the other,
    // each with all its candidates.
    // A loop, not flatMap, which costs V8 about five times as much (issue #16).
    const planned: (Attempt<TableChannel> & { model: string })[] = [];
    for (const model of ctx.models) {
      const attempts = table.planFor(model, ctx.group, Math.random);
      // Each written out, not `{ ...attempt, model }`: a spread then a field is a runtime call in V8
      // for every attempt (issue #16).
      for (const { channel, key, upstreamModel } of attempts)
        planned.push({ channel, key, upstreamModel, model });
    }
    // Legacy completions and embeddings exist only in OpenAI's format: other channels are skipped.
    let remaining = planned.filter((a) => request.servedBy(a.channel.adapter));
    if (planned.length > 0 && remaining.length === 0) {
      throw new RelayError(
        RelayErrorCode.InvalidRequest,
        request.run === undefined
          ? `the model ${request.model} is served only through /v1/chat/completions (its channels do not speak this endpoint)`
          : `the model ${request.model} is not served on this route (its channels do not speak it)`,
        { param: 'model' },
      );
    }
    let soonest: number | null = null;
    let cooling = 0;
    let capped = 0;
    const tried = new Set<string>();

    // One round trip admits the request and takes its first key, the session's if it can (the hold
    // and the token's limits are checked even when no channel is left, so a 402 or 429 still says why).
    let acquiredAt = Date.now();
    const admission = await this.admission.admit(
      token,
      draft,
      request.estimate,
      remaining,
      acquiredAt,
      ctx.models,
      session === null ? null : this.sticky.keyOf(token.id, session),
    );
    remaining = admission.candidates;
    const remembered = admission.remembered;
    const tokenWindow = admission.tokenWindow;
    ctx.admitted(tokenWindow);
    let first: FirstAcquisition | null = admission.acquisition;
    // Candidates that just answered 408/5xx or could not be reached: tried again, after a jittered
    // pause, once no other candidate is left (a single-key upstream's blip is not a 502).
    let transient: typeof remaining = [];
    let transientRounds = 0;
    // The acquisitions after the admission's, numbered: each is keyed by (request id, number), so a
    // script ioredis re-sends after a reconnect takes no second slot.
    let acquisitions = 0;

    // RELAY_MAX_ATTEMPTS bounds the upstream calls; keys passed over in Redis do not count.
    while (draft.fallbacks.length < settings.relayMaxAttempts) {
      if (remaining.length === 0) {
        const pause = transientBackoffMs(transientRounds, Math.random);
        const leftMs = this.config.RELAY_DEADLINE_MS - (Date.now() - draft.startedAt);
        if (transient.length === 0 || gone.aborted || leftMs <= pause) break;
        await sleepUnlessGone(pause, gone);
        transientRounds++;
        remaining = transient;
        transient = [];
      }
      const remainingMs = this.config.RELAY_DEADLINE_MS - (Date.now() - draft.startedAt);
      if (remainingMs <= 0 || gone.aborted) break;
      if (first === null) acquiredAt = Date.now();
      const taken =
        first ??
        (await this.limiter.acquireFirst(remaining, estimatedTokens, acquiredAt, {
          requestId: draft.requestId,
          step: `acquire:${++acquisitions}`,
        }));
      first = null;
      cooling += taken.cooling;
      capped += taken.capped;
      if (taken.soonestRecovery !== null) soonest = Math.min(soonest ?? Infinity, taken.soonestRecovery);
      if (taken.index < 0) {
        // None of these can be taken now; what is left are the transient failures, if any.
        remaining = [];
        continue;
      }
      const attempt = remaining[taken.index] as (typeof remaining)[number];
      remaining = remaining.slice(taken.index + 1);

      const { channel, key, upstreamModel } = attempt;
      tried.add(channel.name);
      draft.channelId = channel.id;
      draft.channelName = channel.name;
      draft.channelKeyId = key.id;
      draft.upstreamModel = upstreamModel;
      draft.servedModel = attempt.model;
      const headers: Record<string, string> = {
        'x-routed-via': headerSafe(`${channel.name}/${upstreamModel}`),
      };
      if (draft.fallbacks.length > 0) headers['x-fallback-attempts'] = String(draft.fallbacks.length);
      const input: AttemptInput = {
        stream: request.stream,
        channel,
        key,
        upstreamModel,
        promptTokens: countPrompt,
        heldOutputTokens,
        res: client,
        clientGone: gone,
        remainingMs,
        retryStatuses,
        headers,
      };
      const result =
        request.run === undefined
          ? await this.runner.run(request.attempt(channel.adapter), input)
          : await request.run(channel.adapter, input);
      this.metrics.attempts.inc({
        channel: channel.name,
        outcome: result.kind === 'served' ? 'ok' : result.kind === 'retry' ? result.reason : result.kind,
      });

      if (result.kind === 'retry') {
        // This attempt's calls on its key, keyed by (request id, attempt number): a re-sent one
        // neither cools nor counts again.
        const attemptNo = draft.fallbacks.length + 1;
        const once = (step: string) => ({ requestId: draft.requestId, step: `${step}:${attemptNo}` });
        if (result.reason === 'rate_limited') {
          // Fails open: a cooldown Redis did not take leaves the key in the pool.
          const until = await this.verdicts
            .rateLimited({
              keyId: key.id,
              upstreamModel,
              retryAfterMs: result.retryAfterMs ?? null,
              wholeKey: result.wholeKey === true,
              policy: { baseMs: settings.relayCooldownBaseMs, maxMs: settings.relayCooldownMaxMs },
              once: once('cool'),
            })
            .catch(() => Date.now() + settings.relayCooldownBaseMs);
          soonest = soonest === null ? until : Math.min(soonest, until);
        } else if (result.reason === 'out_of_credit') {
          await this.verdicts.outOfCredit(key.id, result.message, once('cool'));
        } else if (result.reason === 'model_refused') {
          await this.verdicts.modelRefused(key.id, upstreamModel, once('cool'));
        } else if (result.reason === 'key_rejected') {
          await this.verdicts.refused(key.id, result.message, once('refuse'));
        } else if (TRANSIENT_REASONS.has(result.reason)) {
          transient.push(attempt);
        }
        // The token window stays counted: the request goes on with the next candidate.
        await this.settleKey(
          {
            keyId: key.id,
            limits: key,
            upstreamModel,
            countedAt: acquiredAt,
            tokenWindow: null,
            outcome: result.reason === 'rate_limited' ? 'none' : 'fail',
            estimatedTokens,
            actualTokens: 0,
            now: Date.now(),
          },
          once('settle'),
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
      // The request's last attempt is settled with its hold and usage event (RequestSettlement).
      if (result.kind === 'abandoned') {
        draft.attempt = {
          keyId: key.id,
          limits: key,
          upstreamModel,
          countedAt: acquiredAt,
          tokenWindow,
          outcome: 'none',
          estimatedTokens,
          actualTokens: 0,
          now: Date.now(),
        };
        draft.failed(499, RelayErrorCode.ClientClosed, 'the client closed the connection before the answer');
        return true;
      }
      if (result.kind === 'rejected') {
        draft.attempt = {
          keyId: key.id,
          limits: key,
          upstreamModel,
          countedAt: acquiredAt,
          tokenWindow,
          outcome: 'ok',
          estimatedTokens,
          actualTokens: 0,
          now: Date.now(),
          streaks: taken.streaks,
        };
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
      draft.attempt = {
        keyId: key.id,
        limits: key,
        upstreamModel,
        countedAt: acquiredAt,
        tokenWindow,
        outcome: result.status === 499 ? 'none' : 'ok',
        estimatedTokens,
        actualTokens: used,
        now: Date.now(),
        streaks: taken.streaks,
      };
      draft.usage = result.usage;
      draft.usageSource = result.usageSource;
      draft.metered = result.metered ?? null;
      draft.firstContentAt = result.firstContentAt;
      draft.status = result.status;
      draft.errorCode = result.errorCode;
      draft.errorMessage = result.errorMessage;
      if (session !== null && result.status === 200) {
        draft.sticky = this.sticky.entry(token.id, session, key.id, inferred, remembered);
      }
      return true;
    }

    const untried = first !== null && first.index >= 0 ? remaining[first.index] : undefined;
    if (untried !== undefined) {
      // Admitted with a key, then out of time (or the client left) before calling it: give the key's
      // windows their estimate back (the token's is refunded by serve()).
      draft.attempt = {
        keyId: untried.key.id,
        limits: untried.key,
        upstreamModel: untried.upstreamModel,
        countedAt: acquiredAt,
        tokenWindow: null,
        outcome: 'none',
        estimatedTokens,
        actualTokens: 0,
        now: Date.now(),
      };
    }
    if (gone.aborted) {
      draft.failed(499, RelayErrorCode.ClientClosed, 'the client closed the connection before the answer');
      return false;
    }
    throw exhaustedError(draft, { soonest, cooling, capped, tried: [...tried] }, Date.now());
  }

  /**
   * The models a request tries: the one asked (then the chain attached to it), a chain's, or for
   * `auto` the group's default chain's. A token's model allowlist applies to the name asked and to
   * each model served: members the token may not use are skipped, and a request left with none is
   * refused.
   */
  /**
   * A key's counters after an attempt. Fails open (docs/design.md, "Redis on the hot path"): a
   * window left as estimated corrects itself when it rolls over, and must not turn an answer the
   * client has into a failure.
   */
  private async settleKey(attempt: AttemptSettlement, once: OnceKey): Promise<void> {
    try {
      await this.limiter.settle(attempt, once);
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

  private async parse(command: RelayRequestCommand): Promise<Relayed> {
    try {
      if (command.media !== undefined) return await command.media.relayed();
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
      attempt: (adapter) =>
        ingressAttempt(adapter, { codec: ingress.codec, request, body: sent, headers: ingress.headers }),
    };
  }
}

/** Failures of one key that another try may not see: 408/5xx, timeouts, refused connections. */
const TRANSIENT_REASONS: ReadonlySet<string> = new Set(['server_error', 'timeout', 'connect_error']);

/** Waits `ms`, or less when the client goes away meanwhile. */
function sleepUnlessGone(ms: number, gone: AbortSignalLike): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      gone.removeEventListener('abort', done);
      resolve();
    }
    gone.addEventListener('abort', done, { once: true });
  });
}
