// What an audit row changed: the fields whose value differs between before and after (secrets are
// already redacted by the api).
import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../api/audit-api';

function show(value: unknown): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function changedFields(entry: AuditEntry): { field: string; before: unknown; after: unknown }[] {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .map((field) => ({ field, before: before[field], after: after[field] }));
}

export function AuditChanges({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const rows = changedFields(entry);
  return (
    <Table
      size="small"
      rowKey="field"
      pagination={false}
      dataSource={rows}
      locale={{ emptyText: t('audit.noChanges') }}
      columns={[
        { title: t('audit.field'), dataIndex: 'field', key: 'field' },
        {
          title: t('audit.before'),
          key: 'before',
          render: (_, row) => <Typography.Text type="secondary">{show(row.before)}</Typography.Text>,
        },
        {
          title: t('audit.after'),
          key: 'after',
          render: (_, row) => <Typography.Text>{show(row.after)}</Typography.Text>,
        },
      ]}
    />
  );
}
