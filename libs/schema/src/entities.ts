// The database schema's composition root: every entity of every domain, listed explicitly.
// Domain libs cannot see each other's tables; only this list (and the migrations) sees them all.
import { AUDIT_ENTITIES } from '@gateway/audit';
import { BILLING_ENTITIES } from '@gateway/billing';
import { CHANNELS_ENTITIES } from '@gateway/channels';
import { IDENTITY_ENTITIES } from '@gateway/identity';
import { INVOICES_ENTITIES } from '@gateway/invoices';
import { MIGRATION_ENTITIES } from '@gateway/migration';
import { PAYMENTS_ENTITIES } from '@gateway/payments';
import { SETTINGS_ENTITIES } from '@gateway/settings';
import { TOKENS_ENTITIES } from '@gateway/tokens';
import { USAGE_ENTITIES } from '@gateway/usage';

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
];
