// The audit log's entity types, as the api writes them. The api keeps no list (each domain names its
// own where it records a change): audit-entity-types.spec.ts reads its sources for any not listed here.
export const AUDIT_ENTITY_TYPES = [
  'tenant',
  'user',
  'token',
  'settings',
  'channel',
  'channel_key',
  'model_chain',
  'group_routing',
  'model_price',
  'group_multiplier',
  'plan',
  'subscription',
  'ledger_entry',
  'redemption_code',
  'redemption_code_batch',
  'payment_provider',
  'topup_order',
  'invoice',
  'invoice_payment',
  'invoice_payment_reversal',
  'invoice_delivery',
  'usage_write_off',
  'newapi_import',
] as const;

export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

export const isAuditEntityType = (type: string): type is AuditEntityType =>
  (AUDIT_ENTITY_TYPES as readonly string[]).includes(type);
