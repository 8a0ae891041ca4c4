import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Invoice } from '../api/invoices-api';

export function InvoiceKindTag({ kind }: { kind: Invoice['kind'] }) {
  const { t } = useTranslation();
  return <Tag color={kind === 'invoice' ? 'blue' : 'magenta'}>{t(`invoices.kinds.${kind}`)}</Tag>;
}
