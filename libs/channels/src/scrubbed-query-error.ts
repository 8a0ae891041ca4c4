import { QueryFailedError } from 'typeorm';

/**
 * A failed key write, without the statement's parameters and the driver's detail: both can hold a
 * ciphertext or a fingerprint, and the error is logged.
 */
export function scrubbedQueryError(error: unknown): unknown {
  if (!(error instanceof QueryFailedError)) return error;
  const code = (error as QueryFailedError & { driverError?: { code?: string } }).driverError?.code;
  return new Error(`writing a channel key failed (${code ?? 'no code'}): ${error.message}`);
}
