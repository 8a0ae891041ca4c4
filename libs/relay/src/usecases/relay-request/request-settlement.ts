// The end of every relayed request, whatever came of it (success, upstream error, client abort):
// its hold is settled at the real cost, its one usage record leaves for the worker (docs/design.md
// invariants 6 and 7), and the relay's metrics count it. The key's windows, the hold, the usage
// event and the sticky session go in one Redis round trip (SETTLE_REQUEST), once per request id; a
// request with none of the first two hands its event to the batching recorder.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { BalanceMirror, PriceBook, PriceBookService } from '@gateway/billing';
import { LuaScript, packArgv, REDIS } from '@gateway/redis';
import { USAGE_EVENT_FIELD, UsageRecorder, usageStreamKey, type UsageEvent } from '@gateway/usage';
import type Redis from 'ioredis';
import { RelayLimiter } from '../../limits/relay-limiter';
import { RelayMetrics } from '../../metrics/relay-metrics';
import { IterationLane } from '../../relay/iteration-lane';
import type { UsageDraft } from '../../relay/usage-draft';
import { HOLD_KEYS, SETTLE_ARGS, SETTLE_REQUEST } from './hot-path-scripts';

const settleRequest = new LuaScript<string>(SETTLE_REQUEST, 13);

@Injectable()
export class RequestSettlement {
  private readonly logger = new Logger('Relay');
  private readonly stream: string;
  private readonly lane = new IterationLane();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly prices: PriceBookService,
    private readonly balances: BalanceMirror,
    private readonly limiter: RelayLimiter,
    private readonly usage: UsageRecorder,
    private readonly metrics: RelayMetrics,
  ) {
    this.stream = usageStreamKey(config.REDIS_PREFIX);
  }

  async close(draft: UsageDraft): Promise<void> {
    const endedAt = Date.now();
    // The answer has gone out; what is left is bookkeeping, which waits its turn in a lane that hands
    // out a few turns per event-loop iteration and polls for I/O between them (IterationLane), so
    // the events that arrived with this answer's end (a wave of upstream answers, the next requests of
    // clients just answered) take their own step toward their client first (issue #16).
    await this.lane.turn();
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
    const money =
      draft.held || cost > 0n || (draft.plan !== null && draft.usage !== null)
        ? this.balances.settleArguments({
            tenantId: draft.tenantId,
            tokenId: draft.tokenId,
            tokenQuotaNano: draft.tokenQuotaNano,
            tokenQuotaEpoch: draft.tokenQuotaEpoch,
            requestId: draft.requestId,
            hold: draft.hold,
            costNano: cost,
            plan: draft.plan,
            // The worker counts the same way when it stores the record (store-usage-batch.ts).
            counted: draft.usage !== null,
            inputTokens: draft.usage?.promptTokens ?? 0,
            outputTokens: draft.usage?.completionTokens ?? 0,
          })
        : null;
    const attempt = draft.attempt === null ? null : this.limiter.settlementArguments(draft.attempt);
    if (draft.attempt !== null) this.limiter.keyUsed(draft.attempt.keyId, draft.attempt.actualTokens);
    const event: UsageEvent = draft.toEvent(cost, endedAt);
    if (money === null && attempt === null) {
      this.usage.record(event);
    } else {
      try {
        const upToCovered = payloadUpToCovered(event);
        // The 19 short values travel as one argument (packArgv), the event's JSON as it is.
        const packed = packArgv([
          money === null ? '0' : '1',
          ...(money?.args ?? Array<string>(SETTLE_ARGS).fill('')),
          attempt === null ? '0' : '1',
          ...(attempt?.args ?? Array<string>(6).fill('')),
          USAGE_EVENT_FIELD,
          draft.sticky?.value ?? '',
          draft.sticky?.ttlSeconds ?? 0,
          this.balances.onceTtlMs(),
        ]);
        const covered = await settleRequest.run(
          this.redis,
          ...(money?.keys ?? Array<string>(HOLD_KEYS).fill(this.limiter.absent)),
          ...(attempt?.keys ?? Array<string>(6).fill(this.limiter.absent)),
          this.stream,
          draft.sticky?.redisKey ?? this.limiter.absent,
          this.balances.onceKey(draft.requestId),
          packed,
          upToCovered,
        );
        if (covered === '-') {
          // Only a re-sent script sees its request settled: the first run booked it and put the event
          // into the stream; the api keeps it until the worker has stored it (the usage outbox).
          this.logger.warn(`${draft.requestId}: settled already, not settled again`);
          this.usage.sent(event);
        } else if (covered === '?') {
          // Its hold and once-marker are gone (Redis lost them, or a re-sent script came late): the
          // event goes the other way, and the worker stores it once whichever arrives.
          this.logger.warn(`${draft.requestId}: hold not found, usage recorded without the mirror`);
          this.usage.record(event);
        } else {
          draft.coveredNano = BigInt(covered);
          // Set on the event made above, not copied with a spread and a field: V8 gives such a copy a
          // shape of its own, each request, which every later read of an event then meets (issue #16).
          event.coveredNano = covered;
          // In the stream now; the api keeps it until the worker has stored it (the usage outbox),
          // as the script wrote it: the event's JSON is not built a second time.
          this.usage.sent(event, `${upToCovered}${covered}"}`);
        }
      } catch (error) {
        // The hold expires and the worker reaps it; the event still carries the cost. Should the
        // script have run after all, the worker stores the event once (idempotent by request id).
        this.logger.error(`${draft.requestId}: could not settle the request: ${(error as Error).message}`);
        this.usage.record(event);
      }
    }
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
    if (draft.writtenOffNano > 0n) {
      this.metrics.writeOffs.inc({ model });
      this.metrics.writtenOffUsd.inc({ model }, Number(draft.writtenOffNano) / 1e9);
    }
    if (event.ttftMs !== null && draft.channelName !== null) {
      this.metrics.ttft.observe({ channel: draft.channelName }, event.ttftMs / 1000);
    }
  }
}

const COVERED_LAST = ',"coveredNano":"';

/**
 * The event's JSON with `coveredNano` last and its value left open: the settlement script appends
 * the amount the plan's allowance covered (known only once the hold is settled) and the closing `"}`.
 */
export function payloadUpToCovered(event: UsageEvent): string {
  // UsageDraft.toEvent writes it last: the JSON is cut before its value. (A copy of the event
  // without it, `{ coveredNano, ...rest }`, added about 40 % to the JSON's own time, issue #16.)
  const json = JSON.stringify(event);
  const value = json.length - event.coveredNano.length - 2;
  if (json.startsWith(COVERED_LAST, value - COVERED_LAST.length)) return json.slice(0, value);
  const { coveredNano: _covered, ...rest } = event;
  return `${JSON.stringify(rest).slice(0, -1)}${COVERED_LAST}`;
}
