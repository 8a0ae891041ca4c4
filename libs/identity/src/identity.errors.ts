import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, type DomainErrorTable } from '@gateway/common';

/** The identity domain's error codes; their statuses and messages are in IDENTITY_ERRORS. */
export enum IdentityErrorCode {
  InvalidCredentials = 'invalid_credentials',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  TenantRequired = 'tenant_required',
  RateLimited = 'rate_limited',
  Conflict = 'conflict',
  RegistrationClosed = 'registration_closed',
  LastOwner = 'last_owner',
  LastSuperAdmin = 'last_super_admin',
  SelfLockout = 'self_lockout',
  InvalidTenantForRole = 'invalid_tenant_for_role',
}

const IDENTITY_ERRORS: DomainErrorTable<IdentityErrorCode> = {
  [IdentityErrorCode.InvalidCredentials]: {
    status: HttpStatus.UNAUTHORIZED,
    message: 'email or password is wrong',
  },
  [IdentityErrorCode.Unauthenticated]: {
    status: HttpStatus.UNAUTHORIZED,
    message: 'log in first: send Authorization: Bearer <accessToken>',
  },
  [IdentityErrorCode.Forbidden]: { status: HttpStatus.FORBIDDEN, message: 'your role may not do this' },
  [IdentityErrorCode.NotFound]: { status: HttpStatus.NOT_FOUND, message: 'not found' },
  [IdentityErrorCode.TenantRequired]: {
    status: HttpStatus.BAD_REQUEST,
    message: 'tenantId is required for a super admin',
  },
  [IdentityErrorCode.RateLimited]: {
    status: HttpStatus.TOO_MANY_REQUESTS,
    message: 'too many attempts; wait and try again',
  },
  [IdentityErrorCode.Conflict]: { status: HttpStatus.CONFLICT, message: 'already exists' },
  [IdentityErrorCode.RegistrationClosed]: {
    status: HttpStatus.FORBIDDEN,
    message: 'public registration is disabled',
  },
  [IdentityErrorCode.LastOwner]: {
    status: HttpStatus.CONFLICT,
    message: 'a tenant must keep at least one active owner',
  },
  [IdentityErrorCode.LastSuperAdmin]: {
    status: HttpStatus.CONFLICT,
    message: 'the platform must keep at least one active super admin',
  },
  [IdentityErrorCode.SelfLockout]: {
    status: HttpStatus.FORBIDDEN,
    message: 'you cannot disable or delete your own account',
  },
  [IdentityErrorCode.InvalidTenantForRole]: {
    status: HttpStatus.BAD_REQUEST,
    message: 'a super admin belongs to no tenant; every other role needs one',
  },
};

export class IdentityError extends domainErrorBase(IDENTITY_ERRORS) {}

/** 429 from the login limiter; the surfaces send `retryAfterSeconds` as Retry-After. */
export class LoginRateLimitedError extends IdentityError {
  constructor(readonly retryAfterSeconds: number) {
    super(IdentityErrorCode.RateLimited, `too many failed logins; retry in ${retryAfterSeconds} s`, {
      retryAfterMs: retryAfterSeconds * 1000,
    });
  }
}
