// Tenants (super admin): every customer organisation, its routing group and status.
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Flex, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { formatDateTime } from '../components/formatters';
import { PageHeader } from '../components/page-header';
import { QueryTable } from '../components/query-table';
import { type Tenant, useTenants } from '../features/tenants/api/tenants-api';
import { TenantFormModal } from '../features/tenants/components/tenant-form-modal';
import { usePageParams } from '../hooks/use-page-params';

export function TenantsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { page, pageSize, pagination } = usePageParams();
  const tenants = useTenants(page, pageSize);
  const [editing, setEditing] = useState<Tenant | 'new' | null>(null);

  const columns: ColumnsType<Tenant> = [
    { title: t('tenants.name'), dataIndex: 'name', key: 'name' },
    { title: t('tenants.group'), key: 'group', render: (_, tenant) => <Tag>{tenant.group}</Tag> },
    { title: t('tenants.timezone'), dataIndex: 'timezone', key: 'timezone' },
    {
      title: t('tenants.billingEmail'),
      key: 'billingEmail',
      render: (_, tenant) => tenant.billingEmail ?? '—',
    },
    {
      title: t('tenants.status'),
      key: 'status',
      render: (_, tenant) => (
        <Tag color={tenant.status === 'active' ? 'green' : 'default'}>
          {t(`tenants.statuses.${tenant.status}`)}
        </Tag>
      ),
    },
    { title: t('common.created'), key: 'createdAt', render: (_, tenant) => formatDateTime(tenant.createdAt) },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, tenant) => (
        <Flex gap={4}>
          <Button size="small" onClick={() => setEditing(tenant)}>
            {t('common.edit')}
          </Button>
          <Button size="small" onClick={() => void navigate(`/users?tenantId=${tenant.id}`)}>
            {t('tenants.members')}
          </Button>
          <Button size="small" onClick={() => void navigate(`/tokens?tenantId=${tenant.id}`)}>
            {t('nav.tokens')}
          </Button>
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.tenants')}
        subtitle={t('tenants.subtitle')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing('new')}
            data-testid="new-tenant"
          >
            {t('tenants.new')}
          </Button>
        }
      />
      <QueryTable<Tenant>
        query={tenants}
        pagination={pagination}
        rowKey="id"
        columns={columns}
        locale={{ emptyText: t('tenants.empty') }}
        data-testid="tenants-table"
      />
      <TenantFormModal
        open={editing !== null}
        tenant={editing === 'new' || editing === null ? undefined : editing}
        onClose={() => setEditing(null)}
        onSaved={(tenant) => {
          setEditing(null);
          void message.success(t('tenants.saved', { name: tenant.name }));
        }}
      />
    </>
  );
}
