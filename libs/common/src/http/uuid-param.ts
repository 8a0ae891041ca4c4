import { NotFoundException, ParseUUIDPipe } from '@nestjs/common';

/**
 * `@Param('id', UuidParam)`: anything that is not a UUID is simply not found (404 `not_found`,
 * never a 500 from PostgreSQL's uuid cast nor a 400 that tells a malformed id from a missing one).
 */
export const UuidParam = new ParseUUIDPipe({
  version: undefined,
  exceptionFactory: () => new NotFoundException('not found'),
});
