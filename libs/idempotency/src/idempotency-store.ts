// The keys in PostgreSQL, so that they hold across api processes and restarts. A request claims its
// key with one INSERT before it runs (docs/design.md, "Idempotent requests"): the unique primary key
// lets exactly one of two racing requests in, whichever process each reached.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { keyringFromEnv, SecretCipher } from '@gateway/common';
import { APP_CONFIG, type AppConfig } from '@gateway/config';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { IdempotencyError, IdempotencyErrorCode } from './idempotency.errors';

/** How long a key is remembered, as Stripe does: a retry after this runs again. */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;

/**
 * At most this many expired keys (anyone's) are deleted as a key is claimed: more than a claim adds,
 * so the table drains, and few enough that one claim never waits on a long delete.
 */
export const EXPIRED_KEYS_SWEPT_PER_CLAIM = 100;

/**
 * A claim without an answer this old is taken for a request that will never answer (its api stopped,
 * or PostgreSQL failed to store the answer): no /api request runs for minutes (Stripe's calls time
 * out at 20 s), so a retry is told to check what happened instead of to try again shortly.
 */
export const UNANSWERED_CLAIM_SECONDS = 300;

export interface IdempotentRequest {
  principal: string;
  key: string;
  /** `POST /api/…`, for people reading the table. */
  request: string;
  requestHash: string;
}

export interface StoredResponse {
  status: number;
  contentType: string | null;
  body: string;
}

/** What a request finds when it claims its key. */
export type Claim = { kind: 'claimed'; claim: string } | { kind: 'replay'; response: StoredResponse };

interface ClaimedRow {
  request_hash: string;
  response_status: number | null;
  response_type: string | null;
  response_body: string | null;
  key_version: number | null;
  unanswered_for: number;
}

@Injectable()
export class IdempotencyStore {
  private readonly cipher: SecretCipher;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cipher = new SecretCipher(
      keyringFromEnv(config.ENCRYPTION_KEY, process.env),
      () => new IdempotencyError(IdempotencyErrorCode.ResponseUnreadable),
    );
  }

  /**
   * Claims the key for this request, or says what the earlier request with it left: its answer to
   * replay, or a 409 while it runs (another 409 once it is past answering), or a 422 when it was
   * another request. An expired key is claimed afresh, in the same statement, so two retries racing
   * past the expiry still let one in.
   */
  async claim(req: IdempotentRequest): Promise<Claim> {
    const claim = randomUUID();
    const inserted = (await this.db.query(
      `INSERT INTO idempotency_keys (principal, key, claim, request, request_hash, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, now(), now() + make_interval(hours => $6))
       ON CONFLICT (principal, key) DO UPDATE
         SET claim = EXCLUDED.claim, request = EXCLUDED.request, request_hash = EXCLUDED.request_hash,
             response_status = NULL, response_type = NULL, response_body = NULL, key_version = NULL,
             created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at <= now()
       RETURNING claim`,
      [req.principal, req.key, claim, req.request, req.requestHash, IDEMPOTENCY_KEY_TTL_HOURS],
    )) as unknown[];
    if (inserted.length === 1) {
      await this.forgetExpired();
      return { kind: 'claimed', claim };
    }

    const [row] = (await this.db.query(
      `SELECT request_hash, response_status, response_type, response_body, key_version,
              extract(epoch FROM now() - created_at)::float8 AS unanswered_for
         FROM idempotency_keys WHERE principal = $1 AND key = $2`,
      [req.principal, req.key],
    )) as ClaimedRow[];
    // Gone between the two statements: only a sweep of expired keys does that, so claim it again.
    if (!row) return this.claim(req);
    if (row.request_hash !== req.requestHash) throw new IdempotencyError(IdempotencyErrorCode.KeyReused);
    if (row.response_status === null) {
      throw new IdempotencyError(
        row.unanswered_for < UNANSWERED_CLAIM_SECONDS
          ? IdempotencyErrorCode.KeyInUse
          : IdempotencyErrorCode.KeyUnresolved,
      );
    }
    return {
      kind: 'replay',
      response: {
        status: row.response_status,
        contentType: row.response_type,
        body: this.cipher.decrypt(
          { ciphertext: row.response_body ?? '', version: row.key_version ?? 0 },
          aad(req.principal, req.key),
        ),
      },
    };
  }

  /**
   * Deletes keys past their 24 hours as each new key is claimed, the oldest first and whoever's they
   * are: a caller who never comes back leaves no rows for good, with no job to run. Bounded, and
   * skipping rows another process is sweeping or claiming afresh, so a claim never waits on it (the
   * expires_at index finds them).
   */
  private async forgetExpired(): Promise<void> {
    await this.db.query(
      `DELETE FROM idempotency_keys WHERE (principal, key) IN (
         SELECT principal, key FROM idempotency_keys WHERE expires_at <= now()
          ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)`,
      [EXPIRED_KEYS_SWEPT_PER_CLAIM],
    );
  }

  /** Keeps the answer of the request that holds `claim`, sealed (it may hold codes shown once). */
  async complete(principal: string, key: string, claim: string, response: StoredResponse): Promise<void> {
    const sealed = this.cipher.encrypt(response.body, aad(principal, key));
    await this.db.query(
      `UPDATE idempotency_keys
          SET response_status = $4, response_type = $5, response_body = $6, key_version = $7
        WHERE principal = $1 AND key = $2 AND claim = $3`,
      [principal, key, claim, response.status, response.contentType, sealed.ciphertext, sealed.version],
    );
  }

  /** Forgets the claim of a request that did not complete (a 5xx, or no answer): a retry runs again. */
  async release(principal: string, key: string, claim: string): Promise<void> {
    await this.db.query(`DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2 AND claim = $3`, [
      principal,
      key,
      claim,
    ]);
  }
}

/** Binds a sealed answer to its caller and key, so one copied to another row fails to open. */
const aad = (principal: string, key: string) => `gateway:idempotency:v1:${JSON.stringify([principal, key])}`;
