export { IDENTITY_ENTITIES, IdentityModule, IdentityWorkerModule } from './identity.module';
export { Role, ROLES } from './roles';
export { User } from './entities/user.entity';
export { Session } from './entities/session.entity';
export { Tenant } from './entities/tenant.entity';
export { INVOICE_LANGUAGES } from './entities/tenant.entity';
export type { InvoiceLanguage, TenantBillingProfile, TenantStatus } from './entities/tenant.entity';
export { AuthService } from './auth/auth.service';
export { ACCESS_KEY, Authenticated, CurrentUser, Public, Roles } from './auth/access.decorators';
export type { AccessRule, AuthenticatedRequest } from './auth/access.decorators';
export { IdentityError, IdentityErrorCode, LoginRateLimitedError } from './identity.errors';
export { PRUNE_EXPIRED_SESSIONS_JOB, PruneExpiredSessionsJob } from './jobs/prune-expired-sessions.job';
export { hashSessionToken } from './auth/session-token';
export { canSeeTenant, CurrentActor, isSuperAdmin, readScope, writeTenant } from './auth/actor';
export type { Actor } from './auth/actor';
export { LOGIN_LIMITS } from './auth/login-rate-limiter';
export { REGISTRATION_LIMITS } from './auth/registration-rate-limiter';
export { AuditRecorder } from './audit-recorder';
export type { AuditAction, AuditEntry } from './audit-recorder';
export {
  canManageRole,
  canMoveUsersBetweenTenants,
  EDITABLE_TENANT_FIELDS,
  forbiddenTenantFields,
  MANAGEABLE_ROLES,
  TENANT_ADMIN_ROLES,
  TENANT_EDITOR_ROLES,
  TENANT_FIELDS,
  USER_MANAGER_ROLES,
} from './identity-permissions';
export type { TenantField } from './identity-permissions';
export { TENANTS_TOPIC, TenantsService } from './tenants/tenants.service';
export { TenantView } from './tenants/views/tenant.view';
export { TenantBalances } from './tenants/tenant-balances';
export { RegistrationPolicy } from './auth/registration-policy';
export { canonicalTimeZone, IsIanaTimeZone } from './tenants/time-zone';
export { UsersService } from './users/users.service';
export { TOKEN_REVOCATION_REASONS, UserTokens } from './users/user-tokens';
export type { TokenRevocationReason } from './users/user-tokens';
export { UserView } from './views/user.view';
export { tenantBillingDetails, tenantsForBilling } from './tenants/tenant-billing';
export type { TenantBillingDetails } from './tenants/tenant-billing';
export { upsertImportedAccount } from './users/imported-account';
export type { ImportedAccount, ImportedAccountInput } from './users/imported-account';
export { isBcryptHash } from './auth/password-hasher';
export type { LoginName } from './auth/auth.service';
