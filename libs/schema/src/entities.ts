// The database schema's composition root: every entity of every domain, listed explicitly.
// Domain libs cannot see each other's tables; only this list (and the migrations) sees them all.
import { AUDIT_ENTITIES } from '@gateway/audit/domain';
import { BILLING_ENTITIES } from '@gateway/billing/domain';
import { CHANNELS_ENTITIES } from '@gateway/channels/domain';
import { IDEMPOTENCY_ENTITIES } from '@gateway/idempotency/domain';
import { IDENTITY_ENTITIES } from '@gateway/identity/domain';
import { INVOICES_ENTITIES } from '@gateway/invoices/domain';
import { MIGRATION_ENTITIES } from '@gateway/migration/domain';
import { PAYMENTS_ENTITIES } from '@gateway/payments/domain';
import { SETTINGS_ENTITIES } from '@gateway/settings/domain';
import { TOKENS_ENTITIES } from '@gateway/tokens/domain';
import { USAGE_ENTITIES } from '@gateway/usage/domain';

export const ENTITIES = [
  ...IDENTITY_ENTITIES,
  ...AUDIT_ENTITIES,
  ...TOKENS_ENTITIES,
  ...CHANNELS_ENTITIES,
  ...BILLING_ENTITIES,
  ...USAGE_ENTITIES,
  ...INVOICES_ENTITIES,
  ...SETTINGS_ENTITIES,
  ...MIGRATION_ENTITIES,
  ...PAYMENTS_ENTITIES,
  ...IDEMPOTENCY_ENTITIES,
];
