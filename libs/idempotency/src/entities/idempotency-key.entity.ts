import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One Idempotency-Key of one caller: claimed (no response yet) while its first request runs, then
 * that request's answer, sealed, until `expiresAt` (docs/design.md, "Idempotent requests").
 */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKey {
  /** The caller: a user's id (keys are each caller's own, so two admins' keys never collide). */
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'idempotency_keys_pkey' })
  principal!: string;

  @PrimaryColumn({ type: 'varchar', length: 255, primaryKeyConstraintName: 'idempotency_keys_pkey' })
  key!: string;

  /** Changes each time the key is claimed afresh, so a request stores its answer only on its own claim. */
  @Column({ type: 'uuid' })
  claim!: string;

  /** `POST /api/…` as the first request sent it (the path with its ids and query). */
  @Column({ type: 'text' })
  request!: string;

  /** SHA-256 of the method, path and canonical JSON body: a retry must match it. */
  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash!: string;

  /** null while the first request runs. */
  @Column({ name: 'response_status', type: 'smallint', nullable: true })
  responseStatus!: number | null;

  @Column({ name: 'response_type', type: 'varchar', length: 255, nullable: true })
  responseType!: string | null;

  /** The answer's body, AES-256-GCM under ENCRYPTION_KEY (it may hold what is shown once: codes). */
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody!: string | null;

  @Column({ name: 'key_version', type: 'int', nullable: true })
  keyVersion!: number | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Indexed for the sweep of expired keys that each claim runs. */
  @Index('idempotency_keys_expires_at_idx')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
