// The Idempotency-Key request header: absent (no idempotency), or 1 to 255 printable ASCII
// characters, as Stripe takes it. Anything else is refused before the request runs.
import { IdempotencyError, IdempotencyErrorCode } from './idempotency.errors';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** The key a request sent, undefined when it sent none; throws a 400 naming the header otherwise. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  // Node joins repeated headers it does not know with ", ", so two keys arrive as one longer value
  // (refused below only if it breaks the rules); an array is never a key.
  if (typeof header !== 'string') throw invalid('Idempotency-Key must be sent once');
  if (header.length === 0) throw invalid('Idempotency-Key must not be empty');
  if (header.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
    throw invalid(`Idempotency-Key must be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`);
  }
  if (!PRINTABLE_ASCII.test(header)) throw invalid('Idempotency-Key must be printable ASCII characters only');
  return header;
}

const invalid = (message: string) =>
  new IdempotencyError(IdempotencyErrorCode.InvalidKey, message, { field: IDEMPOTENCY_KEY_HEADER });
