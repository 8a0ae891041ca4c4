import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, domainErrorCodes } from '@gateway/common';

/** The identity domain's errors: each code with the HTTP status and the message clients see. */
const IDENTITY_ERRORS = {
  InvalidCredentials: {
    code: 'invalid_credentials',
    status: HttpStatus.UNAUTHORIZED,
    message: 'email or password is wrong',
  },
  Unauthenticated: {
    code: 'unauthenticated',
    status: HttpStatus.UNAUTHORIZED,
    message: 'log in first: send Authorization: Bearer <accessToken>',
  },
  Forbidden: { code: 'forbidden', status: HttpStatus.FORBIDDEN, message: 'your role may not do this' },
  NotFound: { code: 'not_found', status: HttpStatus.NOT_FOUND, message: 'not found' },
  TenantRequired: {
    code: 'tenant_required',
    status: HttpStatus.BAD_REQUEST,
    message: 'tenantId is required for a super admin',
  },
  RateLimited: {
    code: 'rate_limited',
    status: HttpStatus.TOO_MANY_REQUESTS,
    message: 'too many attempts; wait and try again',
  },
  Conflict: { code: 'conflict', status: HttpStatus.CONFLICT, message: 'already exists' },
  RegistrationClosed: {
    code: 'registration_closed',
    status: HttpStatus.FORBIDDEN,
    message: 'public registration is disabled',
  },
  LastOwner: {
    code: 'last_owner',
    status: HttpStatus.CONFLICT,
    message: 'a tenant must keep at least one active owner',
  },
  LastSuperAdmin: {
    code: 'last_super_admin',
    status: HttpStatus.CONFLICT,
    message: 'the platform must keep at least one active super admin',
  },
  SelfLockout: {
    code: 'self_lockout',
    status: HttpStatus.FORBIDDEN,
    message: 'you cannot disable or delete your own account',
  },
  InvalidTenantForRole: {
    code: 'invalid_tenant_for_role',
    status: HttpStatus.BAD_REQUEST,
    message: 'a super admin belongs to no tenant; every other role needs one',
  },
} as const;

export const IdentityErrorCode = domainErrorCodes(IDENTITY_ERRORS);

export class IdentityError extends domainErrorBase(IDENTITY_ERRORS) {}

/** 429 from the login limiter; the surfaces send `retryAfterSeconds` as Retry-After. */
export class LoginRateLimitedError extends IdentityError {
  constructor(readonly retryAfterSeconds: number) {
    super(IdentityErrorCode.RateLimited, `too many failed logins; retry in ${retryAfterSeconds} s`, {
      retryAfterMs: retryAfterSeconds * 1000,
    });
  }
}
