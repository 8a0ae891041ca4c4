// Idempotency keys without their HTTP face (`@gateway/idempotency/domain`): the table, for the
// schema's entity list. index.ts adds the interceptor and the `@Idempotent()` route decorator.
export { IDEMPOTENCY_ENTITIES } from './idempotency.entities';
export { IdempotencyKey } from './entities/idempotency-key.entity';
