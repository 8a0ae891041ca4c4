// `@Idempotent()` on an /api POST that moves money or issues something countable: the route takes
// the Idempotency-Key header, and the OpenAPI document says so.
import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiConflictResponse, ApiHeader, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_MAX_LENGTH } from './idempotency-key-header';
import { IDEMPOTENCY_KEY_TTL_HOURS } from './idempotency-store';
import { IdempotencyInterceptor, IDEMPOTENT_REPLAYED_HEADER } from './idempotency.interceptor';

export const Idempotent = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: false,
      description:
        `A key of your choosing (1-${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters, a UUID is good) ` +
        `that makes a retry safe: the same key with the same body within ${IDEMPOTENCY_KEY_TTL_HOURS} h ` +
        `answers the first request's status and body again, with \`${IDEMPOTENT_REPLAYED_HEADER}: true\`, ` +
        'and changes nothing. Keys are each caller’s own; a 400 or a 5xx is not kept (correct and retry with the key).',
      schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH },
    }),
    ApiConflictResponse({
      description:
        '`idempotency_key_in_use`: the first request with this Idempotency-Key is still running; ' +
        '`idempotency_key_unresolved`: it never answered and will not run again (check whether it took effect)',
    }),
    ApiUnprocessableEntityResponse({
      description: '`idempotency_key_reused`: this Idempotency-Key was sent with another route or body',
    }),
  );
