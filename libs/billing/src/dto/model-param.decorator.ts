import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { MODEL_NAME_PATTERN } from '@gateway/channels';
import type { Request } from 'express';
import { BillingError, BillingErrorCode } from '../billing.errors';

/**
 * The `*model` path wildcard as one model name. Names may contain `/` (OpenRouter's
 * `openai/gpt-4o`): sent raw, Express hands over the segments, which are joined back; sent as
 * %2F, it is one decoded segment. Read from the request itself because the global ValidationPipe
 * would turn the segment array into a comma-joined string.
 */
export const ModelParam = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const raw = (ctx.switchToHttp().getRequest<Request>().params as Record<string, unknown>)['model'];
  const name = Array.isArray(raw) ? raw.join('/') : raw;
  if (typeof name !== 'string' || !MODEL_NAME_PATTERN.test(name)) {
    throw new BillingError(
      BillingErrorCode.ValidationFailed,
      'model must be 1-200 characters without whitespace',
    );
  }
  return name;
});
