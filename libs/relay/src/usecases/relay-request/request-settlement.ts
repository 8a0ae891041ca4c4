// The end of every relayed request, whatever came of it (success, upstream error, client abort):
// its hold is settled at the real cost, its one usage record leaves for the worker (docs/design.md
// invariants 6 and 7), and the relay's metrics count it.
import { Injectable, Logger } from '@nestjs/common';
import { BalanceMirror, PriceBook, PriceBookService } from '@gateway/billing';
import { UsageRecorder } from '@gateway/usage';
import { RelayMetrics } from '../../metrics/relay-metrics';
import type { UsageDraft } from '../../relay/usage-draft';

@Injectable()
export class RequestSettlement {
  private readonly logger = new Logger('Relay');

  constructor(
    private readonly prices: PriceBookService,
    private readonly balances: BalanceMirror,
    private readonly usage: UsageRecorder,
    private readonly metrics: RelayMetrics,
  ) {}

  async close(draft: UsageDraft): Promise<void> {
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
