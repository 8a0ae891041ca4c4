import { QueryFailedError } from 'typeorm';

/** True when PostgreSQL refused a write because of the named unique index. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driver = (error as QueryFailedError & { driverError?: { code?: string; constraint?: string } })
    .driverError;
  return driver?.code === '23505' && driver.constraint === constraint;
}
