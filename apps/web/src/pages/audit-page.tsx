// Audit log: who changed what and when, with the before/after of each change.
import { DatePicker, Flex, Select, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useCurrentUser } from '../auth/session';
import { formatDateTime } from '../components/formatters';
import { PageHeader } from '../components/page-header';
import { QueryTable } from '../components/query-table';
import { type AuditEntry, useAuditLog } from '../features/audit/api/audit-api';
import { AUDIT_ENTITY_TYPES, isAuditEntityType } from '../features/audit/audit-entity-types';
import { AuditChanges } from '../features/audit/components/audit-changes';
import { useTenantName } from '../features/tenants/api/tenants-api';
import { TenantSelect } from '../features/tenants/components/tenant-select';
import { usePageParams } from '../hooks/use-page-params';

const ACTIONS = ['create', 'update', 'delete'] as const;
const ACTION_COLOR: Record<AuditEntry['action'], string> = { create: 'green', update: 'blue', delete: 'red' };

export function AuditPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const isSuperAdmin = user.role === 'super_admin';
  const { page, pageSize, search, setFilter, setFilters, pagination } = usePageParams();
  const filters = {
    tenantId: search.get('tenantId') ?? undefined,
    entityType: search.get('entityType') ?? undefined,
    action: (search.get('action') as AuditEntry['action'] | null) ?? undefined,
    from: search.get('from') ?? undefined,
    to: search.get('to') ?? undefined,
  };
  const audit = useAuditLog(page, pageSize, filters);
  const tenantName = useTenantName(isSuperAdmin);
  const entityLabel = (type: string) => (isAuditEntityType(type) ? t(`audit.entities.${type}`) : type);

  const columns: ColumnsType<AuditEntry> = [
    { title: t('audit.time'), key: 'time', render: (_, entry) => formatDateTime(entry.createdAt) },
    { title: t('audit.actor'), key: 'actor', render: (_, entry) => entry.actorEmail ?? t('audit.system') },
    {
      title: t('audit.action'),
      key: 'action',
      render: (_, entry) => (
        <Tag color={ACTION_COLOR[entry.action]}>{t(`audit.actions.${entry.action}`)}</Tag>
      ),
    },
    { title: t('audit.entity'), key: 'entity', render: (_, entry) => entityLabel(entry.entityType) },
    {
      title: t('audit.entityId'),
      key: 'entityId',
      render: (_, entry) => <span style={{ fontFamily: 'monospace', fontSize: 12 }}>{entry.entityId}</span>,
    },
    ...(isSuperAdmin
      ? [
          {
            title: t('users.tenant'),
            key: 'tenant',
            render: (_: unknown, entry: AuditEntry) => tenantName(entry.tenantId),
          },
        ]
      : []),
    { title: t('audit.ip'), key: 'ip', render: (_, entry) => entry.ip ?? '—' },
  ];

  return (
    <>
      <PageHeader title={t('nav.audit')} subtitle={t('audit.subtitle')} />
      <Flex gap={8} wrap style={{ marginBottom: 16 }}>
        <DatePicker.RangePicker
          showTime
          value={[filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null]}
          onChange={(range) => setFilters({ from: range?.[0]?.toISOString(), to: range?.[1]?.toISOString() })}
        />
        {isSuperAdmin ? (
          <TenantSelect
            allowClear
            placeholder={t('users.tenant')}
            value={filters.tenantId}
            onChange={(value?: string) => setFilter('tenantId', value)}
            style={{ width: 200 }}
          />
        ) : null}
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          data-testid="audit-entity-type"
          placeholder={t('audit.entity')}
          value={filters.entityType}
          onChange={(value?: string) => setFilter('entityType', value)}
          options={AUDIT_ENTITY_TYPES.map((value) => ({ value, label: t(`audit.entities.${value}`) }))}
          popupMatchSelectWidth={false}
          style={{ width: 180 }}
        />
        <Select
          allowClear
          placeholder={t('audit.action')}
          value={filters.action}
          onChange={(value?: string) => setFilter('action', value)}
          options={ACTIONS.map((value) => ({ value, label: t(`audit.actions.${value}`) }))}
          style={{ width: 140 }}
        />
      </Flex>
      <QueryTable<AuditEntry>
        query={audit}
        pagination={pagination}
        rowKey="id"
        columns={columns}
        expandable={{ expandedRowRender: (entry) => <AuditChanges entry={entry} /> }}
        locale={{ emptyText: t('audit.empty') }}
        data-testid="audit-table"
      />
    </>
  );
}
