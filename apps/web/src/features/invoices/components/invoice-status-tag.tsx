import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { InvoiceStatus } from '../api/invoices-api';

const COLORS: Record<InvoiceStatus, string> = { open: 'orange', paid: 'green', credited: 'default' };

export function InvoiceStatusTag({ status }: { status: InvoiceStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={COLORS[status]} data-testid={`invoice-status-${status}`}>
      {t(`invoices.statuses.${status}`)}
    </Tag>
  );
}
