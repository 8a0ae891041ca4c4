// Users (super admin: everyone, filterable by tenant and role) or Members (owners and admins: their
// tenant). Create, change role, disable, reset a password, delete.
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Flex, Select, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MANAGEABLE_ROLES, ROLES, type Role } from '../auth/roles';
import { useCurrentUser } from '../auth/session';
import { formatDateTime } from '../components/formatters';
import { DeleteButton } from '../components/delete-button';
import { PageHeader } from '../components/page-header';
import { QueryTable } from '../components/query-table';
import { useTenantName } from '../features/tenants/api/tenants-api';
import { TenantSelect } from '../features/tenants/components/tenant-select';
import { type User, useDeleteUser, useUsers } from '../features/users/api/users-api';
import { UserFormModal } from '../features/users/components/user-form-modal';
import { usePageParams } from '../hooks/use-page-params';

export function UsersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const actor = useCurrentUser();
  const isSuperAdmin = actor.role === 'super_admin';
  const { page, pageSize, search, setFilter, pagination } = usePageParams();
  const tenantId = search.get('tenantId') ?? undefined;
  const role = (search.get('role') as Role | null) ?? undefined;
  const users = useUsers(page, pageSize, { tenantId, role });
  const remove = useDeleteUser();
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const tenantName = useTenantName(isSuperAdmin);
  const mayManage = (user: User) => user.id !== actor.id && MANAGEABLE_ROLES[actor.role].includes(user.role);

  const columns: ColumnsType<User> = [
    {
      title: t('users.email'),
      key: 'email',
      render: (_, user) => (
        <Flex vertical>
          <span>{user.email}</span>
          {user.name ? <span style={{ opacity: 0.65 }}>{user.name}</span> : null}
        </Flex>
      ),
    },
    {
      title: t('users.role'),
      key: 'role',
      render: (_, user) => <Tag color="blue">{t(`roles.${user.role}`)}</Tag>,
    },
    ...(isSuperAdmin
      ? [
          {
            title: t('users.tenant'),
            key: 'tenant',
            render: (_: unknown, user: User) => tenantName(user.tenantId),
          },
        ]
      : []),
    {
      title: t('users.state'),
      key: 'disabled',
      render: (_, user) =>
        user.disabled ? <Tag>{t('users.disabledTag')}</Tag> : <Tag color="green">{t('users.activeTag')}</Tag>,
    },
    { title: t('common.created'), key: 'createdAt', render: (_, user) => formatDateTime(user.createdAt) },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, user) =>
        mayManage(user) ? (
          <Flex gap={4}>
            <Button size="small" onClick={() => setEditing(user)}>
              {t('common.edit')}
            </Button>
            <DeleteButton
              confirm={t('users.deleteConfirm', { email: user.email })}
              deleted={t('users.deleted')}
              onDelete={() => remove.mutateAsync(user.id)}
            />
          </Flex>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title={isSuperAdmin ? t('nav.users') : t('nav.members')}
        subtitle={isSuperAdmin ? t('users.subtitle') : t('users.membersSubtitle')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing('new')}
            data-testid="new-user"
          >
            {isSuperAdmin ? t('users.new') : t('users.newMember')}
          </Button>
        }
      />
      <Flex gap={8} wrap style={{ marginBottom: 16 }}>
        {isSuperAdmin ? (
          <TenantSelect
            allowClear
            placeholder={t('users.tenant')}
            value={tenantId}
            onChange={(value?: string) => setFilter('tenantId', value)}
            style={{ width: 240 }}
          />
        ) : null}
        <Select
          allowClear
          placeholder={t('users.role')}
          value={role}
          onChange={(value?: string) => setFilter('role', value)}
          options={ROLES.filter((value) => isSuperAdmin || value !== 'super_admin').map((value) => ({
            value,
            label: t(`roles.${value}`),
          }))}
          style={{ width: 180 }}
        />
      </Flex>
      <QueryTable<User>
        query={users}
        pagination={pagination}
        rowKey="id"
        columns={columns}
        locale={{ emptyText: t('users.empty') }}
        data-testid="users-table"
      />
      <UserFormModal
        open={editing !== null}
        user={editing === 'new' || editing === null ? undefined : editing}
        defaultTenantId={tenantId}
        onClose={() => setEditing(null)}
        onSaved={(user) => {
          setEditing(null);
          void message.success(t('users.saved', { email: user.email }));
        }}
      />
    </>
  );
}
