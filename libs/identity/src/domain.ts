// Identity without its HTTP face (`@gateway/identity/domain`): what the worker and code that runs
// in it may import. Nothing reachable from here loads a controller, a DTO or a view (docs/design.md,
// "Layers"); index.ts adds the api side.
export { IDENTITY_ENTITIES } from './identity.entities';
export { IdentityWorkerModule } from './identity-worker.module';
export { Role, ROLES } from './roles';
export { User } from './entities/user.entity';
export { Session } from './entities/session.entity';
export { Tenant } from './entities/tenant.entity';
export { INVOICE_LANGUAGES } from './entities/tenant.entity';
export type { InvoiceLanguage, TenantBillingProfile, TenantStatus } from './entities/tenant.entity';
export { IdentityError, IdentityErrorCode, LoginRateLimitedError } from './identity.errors';
export { PRUNE_EXPIRED_SESSIONS_JOB, PruneExpiredSessionsJob } from './jobs/prune-expired-sessions.job';
export { hashSessionToken } from './auth/session-token';
export { canSeeTenant, isSuperAdmin, readScope, writeTenant } from './auth/actor';
export type { Actor } from './auth/actor';
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
export { TenantBalances } from './tenants/tenant-balances';
export { RegistrationPolicy } from './auth/registration-policy';
export { TOKEN_REVOCATION_REASONS, UserTokens } from './users/user-tokens';
export type { TokenRevocationReason } from './users/user-tokens';
export { tenantBillingDetails, tenantsForBilling } from './tenants/tenant-billing';
export type { TenantBillingDetails } from './tenants/tenant-billing';
