import { ConfigError } from './app-config';

/** A service the process needs (PostgreSQL, Redis) did not answer in time. */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
}

/**
 * What a process prints when it cannot start: one line for the mistakes an operator can fix
 * (configuration, a service that is down), the stack only for real bugs.
 */
export function startupFailureLine(processName: string, error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  if (error instanceof UnreachableError) return `${processName}: ${error.message}`;
  return `${processName} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
