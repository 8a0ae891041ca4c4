// Tenant reads show each tenant's balance, but the ledger belongs to billing, which depends on
// identity: identity asks through this port and billing implements it (bound globally, as the audit
// lib binds AuditRecorder), so the dependency keeps pointing one way.

export abstract class TenantBalances {
  /** Each asked tenant's balance in USD as a decimal string; a tenant without ledger lines has "0". */
  abstract balancesUsd(tenantIds: readonly string[]): Promise<Map<string, string>>;
}
