import { IdempotencyKey } from './entities/idempotency-key.entity';

export const IDEMPOTENCY_ENTITIES = [IdempotencyKey];
