// How a failed request is explained: a known error code in the user's language, otherwise the
// server's own message; with a retry button where retrying makes sense.
import { Alert, Button } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/api-error';

/** Error codes the api answers with that have a translated explanation. */
const KNOWN_CODES = [
  'invalid_credentials',
  'unauthenticated',
  'forbidden',
  'not_found',
  'rate_limited',
  'conflict',
  'validation_failed',
  'network_error',
  'internal_error',
  'channel_name_taken',
  'duplicate_key',
  'no_enabled_key',
  'model_not_served',
  'price_not_set',
  'last_owner',
  'last_super_admin',
  'self_lockout',
  'tenant_required',
  'invalid_tenant_for_role',
  'redemption_code_not_found',
  'redemption_code_redeemed',
  'redemption_code_expired',
  'redemption_code_disabled',
  'plan_name_taken',
  'plan_not_available',
  'no_subscription',
  'period_not_closed',
  'invoice_pdf_pending',
  'registration_closed',
] as const;
type KnownCode = (typeof KNOWN_CODES)[number];

const isKnown = (code: string): code is KnownCode => (KNOWN_CODES as readonly string[]).includes(code);

export function describeError(t: TFunction, error: unknown): string {
  if (!isApiError(error)) return t('errors.unexpected');
  if (isKnown(error.code)) {
    const explained = t(`errors.codes.${error.code}`);
    // The server's message is often more specific ("retry in 42 s"); keep it beside the translation.
    return error.message && error.code !== 'network_error' ? `${explained} (${error.message})` : explained;
  }
  return error.message;
}

interface ErrorAlertProps {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}

export function ErrorAlert({ error, onRetry, title }: ErrorAlertProps) {
  const { t } = useTranslation();
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="error-alert"
      title={title ?? t('errors.loadFailed')}
      description={describeError(t, error)}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}
