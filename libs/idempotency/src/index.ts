// Idempotency keys for /api routes that move money: the module (imported once by the api), the
// route decorator and the header's names. domain.ts holds the table for the schema.
export * from './domain';
export { IdempotencyModule } from './idempotency.module';
export { Idempotent } from './idempotent.decorator';
export { IdempotencyError, IdempotencyErrorCode } from './idempotency.errors';
export {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  idempotencyKeyOf,
} from './idempotency-key-header';
export { IDEMPOTENT_REPLAYED_HEADER } from './idempotency.interceptor';
export { IDEMPOTENCY_KEY_TTL_HOURS } from './idempotency-store';
