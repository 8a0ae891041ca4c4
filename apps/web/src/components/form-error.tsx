import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';

/** The part of a failed save that belongs to no single field. */
export function FormError({ message }: { message: string | null }) {
  const { t } = useTranslation();
  if (!message) return null;
  return (
    <Alert
      type="error"
      showIcon
      title={t('errors.saveFailed')}
      description={<span style={{ whiteSpace: 'pre-line' }}>{message}</span>}
      style={{ marginBottom: 16 }}
      data-testid="form-error"
    />
  );
}
