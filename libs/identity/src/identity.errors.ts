import { HttpStatus } from '@nestjs/common';

/** The identity domain's error codes, mapped to HTTP by the /api exception filter. */
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

const STATUS: Record<IdentityErrorCode, HttpStatus> = {
  [IdentityErrorCode.InvalidCredentials]: HttpStatus.UNAUTHORIZED,
  [IdentityErrorCode.Unauthenticated]: HttpStatus.UNAUTHORIZED,
  [IdentityErrorCode.Forbidden]: HttpStatus.FORBIDDEN,
  [IdentityErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [IdentityErrorCode.TenantRequired]: HttpStatus.BAD_REQUEST,
  [IdentityErrorCode.RateLimited]: HttpStatus.TOO_MANY_REQUESTS,
  [IdentityErrorCode.Conflict]: HttpStatus.CONFLICT,
  [IdentityErrorCode.RegistrationClosed]: HttpStatus.FORBIDDEN,
  [IdentityErrorCode.LastOwner]: HttpStatus.CONFLICT,
  [IdentityErrorCode.LastSuperAdmin]: HttpStatus.CONFLICT,
  [IdentityErrorCode.SelfLockout]: HttpStatus.FORBIDDEN,
  [IdentityErrorCode.InvalidTenantForRole]: HttpStatus.BAD_REQUEST,
};

const MESSAGE: Record<IdentityErrorCode, string> = {
  [IdentityErrorCode.InvalidCredentials]: 'email or password is wrong',
  [IdentityErrorCode.Unauthenticated]: 'log in first: send Authorization: Bearer <accessToken>',
  [IdentityErrorCode.Forbidden]: 'your role may not do this',
  [IdentityErrorCode.NotFound]: 'not found',
  [IdentityErrorCode.TenantRequired]: 'tenantId is required for a super admin',
  [IdentityErrorCode.RateLimited]: 'too many attempts; wait and try again',
  [IdentityErrorCode.Conflict]: 'already exists',
  [IdentityErrorCode.RegistrationClosed]: 'public registration is disabled',
  [IdentityErrorCode.LastOwner]: 'a tenant must keep at least one active owner',
  [IdentityErrorCode.LastSuperAdmin]: 'the platform must keep at least one active super admin',
  [IdentityErrorCode.SelfLockout]: 'you cannot disable or delete your own account',
  [IdentityErrorCode.InvalidTenantForRole]: 'a super admin belongs to no tenant; every other role needs one',
};

export class IdentityError extends Error {
  readonly status: HttpStatus;
  constructor(
    readonly code: IdentityErrorCode,
    message?: string,
  ) {
    super(message ?? MESSAGE[code]);
    this.status = STATUS[code];
  }
}

/** 429 from the login limiter; `retryAfterSeconds` becomes the Retry-After header. */
export class LoginRateLimitedError extends IdentityError {
  constructor(readonly retryAfterSeconds: number) {
    super(IdentityErrorCode.RateLimited, `too many failed logins; retry in ${retryAfterSeconds} s`);
  }
}
