import { IdentityError, IdentityErrorCode } from '../identity.errors';
import { isUniqueViolation } from '@gateway/db';

export function emailTakenError(): IdentityError {
  return new IdentityError(IdentityErrorCode.Conflict, 'a user with this email already exists');
}

/** The 409 for a lost race on the users' email index, or the error unchanged. */
export function asEmailTaken(error: unknown): unknown {
  return isUniqueViolation(error, 'users_email_key') ? emailTakenError() : error;
}
