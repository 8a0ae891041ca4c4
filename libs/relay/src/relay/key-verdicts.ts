// What an upstream's refusal does to the key that answered it, beyond failing over: a rate limit
// cools the model on the key (or the whole key when the upstream says so), an account out of credit
// cools the key for long, a model the key may not use cools on it for as long, a refused key stops
// being taken at once by every relay process (Redis) and is auto-disabled, audited and announced
// (PostgreSQL, only on the first refusal: not per request).
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { KeyHealthService } from '@gateway/channels';
import { RelayLimiter, type OnceKey } from '../limits/relay-limiter';

@Injectable()
export class KeyVerdicts {
  private readonly logger = new Logger('Relay');

  constructor(
    private readonly limiter: RelayLimiter,
    private readonly health: KeyHealthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A 429: returns until when the key (or its model) cools, ms epoch. */
  async rateLimited(input: {
    keyId: string;
    upstreamModel: string;
    retryAfterMs: number | null;
    wholeKey: boolean;
    policy: { baseMs: number; maxMs: number };
    /** Which call of which request this is: a re-sent one cools nothing again. */
    once?: OnceKey;
  }): Promise<number> {
    const cooled = await this.limiter.cool({
      keyId: input.keyId,
      retryAfterMs: input.retryAfterMs,
      now: Date.now(),
      ...input.policy,
      model: input.wholeKey ? null : input.upstreamModel,
      once: input.once,
    });
    return cooled.until;
  }

  /** 402 / insufficient_quota: the key cools for RELAY_OUT_OF_CREDIT_COOLDOWN_MS; returns until when. */
  async outOfCredit(keyId: string, detail: string, once?: OnceKey): Promise<number> {
    const wait = this.config.RELAY_OUT_OF_CREDIT_COOLDOWN_MS;
    const cooled = await this.limiter.cool({
      keyId,
      retryAfterMs: wait,
      now: Date.now(),
      baseMs: wait,
      maxMs: wait,
      reason: 'out_of_credit',
      once,
    });
    if (cooled.started) {
      this.health
        .keyOutOfCreditWhileRelaying(keyId, detail, new Date(cooled.until))
        .catch((error: unknown) =>
          this.logger.error(`could not audit key ${keyId}: ${(error as Error).message}`),
        );
    }
    return cooled.until;
  }

  /**
   * A model the key may not use (its project has no access): the model cools on the key as long as
   * an account out of credit does, and the key goes on serving its other models. Returns until when.
   */
  async modelRefused(keyId: string, upstreamModel: string, once?: OnceKey): Promise<number> {
    const wait = this.config.RELAY_OUT_OF_CREDIT_COOLDOWN_MS;
    const cooled = await this.limiter.cool({
      keyId,
      retryAfterMs: wait,
      now: Date.now(),
      baseMs: wait,
      maxMs: wait,
      model: upstreamModel,
      once,
    });
    return cooled.until;
  }

  /** 401/403 or an invalid-key code: no relay takes the key any more. */
  async refused(keyId: string, detail: string, once?: OnceKey): Promise<void> {
    // Long enough for every relay to reload its table without the key: at once on the announcement,
    // at the latest on the safety-net reload.
    const bridgeMs = 2 * this.config.RELAY_TABLE_REFRESH_MS;
    const first = await this.limiter.refuseKey(keyId, Date.now(), bridgeMs, once);
    if (!first) return;
    // Not awaited by the request: the Redis mark already keeps every process off the key.
    this.health
      .keyRefusedWhileRelaying(keyId, detail, new Date())
      .catch((error: unknown) =>
        this.logger.error(`could not mark key ${keyId} invalid: ${(error as Error).message}`),
      );
  }
}
