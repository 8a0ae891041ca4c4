import { ConfigError } from './app-config';

/** A service the process needs (PostgreSQL, Redis) did not answer in time. */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
}

/** Why the api could not take its address, for the error codes an operator can fix. */
const LISTEN_FAILURES: Record<string, string> = {
  EADDRINUSE: 'PORT is in use by another process',
  EACCES: 'PORT is not permitted to this user (below 1024 needs privileges)',
  EADDRNOTAVAIL: 'HOST is not an address of this machine',
  ENOTFOUND: 'HOST does not resolve',
  EAI_AGAIN: 'HOST does not resolve',
};

/** The api could not listen on HOST:PORT for a reason its operator can fix. */
export class ListenError extends Error {
  override name = 'ListenError';
}

/**
 * A failed `listen` as a ListenError naming the variable to change, or the error itself when it is
 * none of those (a bug keeps its stack).
 */
export function listenFailure(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code === undefined ? undefined : LISTEN_FAILURES[code];
  return reason === undefined
    ? error
    : new ListenError(`cannot listen on ${host}:${port}: ${reason} (${code})`);
}

/**
 * What a process prints when it cannot start: one line for the mistakes an operator can fix
 * (configuration, a service that is down), the stack only for real bugs.
 */
export function startupFailureLine(processName: string, error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  if (error instanceof UnreachableError || error instanceof ListenError)
    return `${processName}: ${error.message}`;
  return `${processName} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
