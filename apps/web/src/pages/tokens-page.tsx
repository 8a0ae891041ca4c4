// Tokens: the /v1 keys of a tenant (members: their own). Create (the key is shown once), edit
// limits, enable/disable, delete; spend against quota at a glance; a link to each token's usage.
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Flex, Progress, Switch, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCurrentUser } from '../auth/session';
import { describeError } from '../components/error-alert';
import { formatDateTime, formatUsd } from '../components/formatters';
import { DeleteButton } from '../components/delete-button';
import { PageHeader } from '../components/page-header';
import { QueryTable } from '../components/query-table';
import { useTenantName } from '../features/tenants/api/tenants-api';
import { TenantSelect } from '../features/tenants/components/tenant-select';
import {
  type CreatedToken,
  type Token,
  useDeleteToken,
  useTokens,
  useUpdateToken,
} from '../features/tokens/api/tokens-api';
import { CreatedTokenModal } from '../features/tokens/components/created-token-modal';
import { TokenFormModal } from '../features/tokens/components/token-form-modal';
import { usePageParams } from '../hooks/use-page-params';

/** used / quota as a percentage for the progress bar; floats are fine for a bar's width. */
function quotaPercent(token: Token): number | null {
  if (token.quotaUsd === null) return null;
  const quota = Number(token.quotaUsd);
  return quota > 0 ? Math.min(100, (Number(token.usedUsd) / quota) * 100) : 100;
}

export function TokensPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const actor = useCurrentUser();
  const isSuperAdmin = actor.role === 'super_admin';
  const { page, pageSize, search, setFilter, pagination } = usePageParams();
  const tenantId = search.get('tenantId') ?? undefined;
  const tokens = useTokens(page, pageSize, tenantId);
  const update = useUpdateToken();
  const remove = useDeleteToken();
  const [editing, setEditing] = useState<Token | 'new' | null>(null);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const tenantName = useTenantName(isSuperAdmin);

  const columns: ColumnsType<Token> = [
    {
      title: t('tokens.name'),
      key: 'name',
      render: (_, token) => (
        <Flex vertical>
          <span>{token.name}</span>
          <Typography.Text code style={{ fontSize: 12 }}>
            {token.maskedKey}
          </Typography.Text>
        </Flex>
      ),
    },
    ...(isSuperAdmin
      ? [
          {
            title: t('users.tenant'),
            key: 'tenant',
            render: (_: unknown, token: Token) => tenantName(token.tenantId),
          },
        ]
      : []),
    {
      title: t('tokens.spend'),
      key: 'spend',
      render: (_, token) => {
        const percent = quotaPercent(token);
        return (
          <Flex vertical style={{ minWidth: 160 }}>
            <span>
              {token.quotaUsd === null
                ? t('tokens.spentUnlimited', { used: formatUsd(token.usedUsd) })
                : t('tokens.spentOf', { used: formatUsd(token.usedUsd), quota: formatUsd(token.quotaUsd) })}
            </span>
            {percent !== null ? (
              <Progress
                percent={percent}
                size="small"
                showInfo={false}
                status={percent >= 100 ? 'exception' : 'normal'}
              />
            ) : null}
          </Flex>
        );
      },
    },
    {
      title: t('tokens.limits'),
      key: 'limits',
      render: (_, token) => (
        <Flex vertical style={{ fontSize: 12 }}>
          <span>{token.models.length ? token.models.join(', ') : t('tokens.allModels')}</span>
          <span>{token.ipAllowlist.length ? token.ipAllowlist.join(', ') : t('tokens.anywhere')}</span>
          <span>
            {t('tokens.rpm')} {token.rpm ?? '∞'} · {t('tokens.tpm')} {token.tpm ?? '∞'}
          </span>
        </Flex>
      ),
    },
    {
      title: t('tokens.expiresAt'),
      key: 'expiresAt',
      render: (_, token) =>
        token.expiresAt === null ? (
          t('tokens.never')
        ) : new Date(token.expiresAt).getTime() < Date.now() ? (
          <Tag color="red">{t('tokens.expired')}</Tag>
        ) : (
          formatDateTime(token.expiresAt)
        ),
    },
    {
      title: t('tokens.lastUsed'),
      key: 'lastUsedAt',
      render: (_, token) => formatDateTime(token.lastUsedAt),
    },
    {
      title: t('tokens.enabled'),
      key: 'status',
      render: (_, token) =>
        token.status === 'revoked' ? (
          <Tooltip title={token.revokedReason ? t(`tokens.revokedReason.${token.revokedReason}`) : undefined}>
            <Tag color="red" data-testid="token-revoked">
              {t('tokens.revoked')}
            </Tag>
          </Tooltip>
        ) : (
          <Switch
            size="small"
            checked={token.status === 'active'}
            loading={update.isPending && update.variables?.id === token.id}
            aria-label={t('tokens.enabled')}
            onChange={(checked) =>
              update.mutate(
                { id: token.id, body: { status: checked ? 'active' : 'disabled' } },
                { onError: (error) => void message.error(describeError(t, error)) },
              )
            }
          />
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, token) => (
        <Flex gap={4}>
          <Button size="small" onClick={() => setEditing(token)}>
            {t('common.edit')}
          </Button>
          <Link to={`/usage?tokenId=${token.id}`}>
            <Button size="small">{t('tokens.usage')}</Button>
          </Link>
          <DeleteButton
            confirm={t('tokens.deleteConfirm', { name: token.name })}
            deleted={t('tokens.deleted')}
            onDelete={() => remove.mutateAsync(token.id)}
          />
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.tokens')}
        subtitle={actor.role === 'member' ? t('tokens.subtitleOwn') : t('tokens.subtitle')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing('new')}
            data-testid="new-token"
          >
            {t('tokens.new')}
          </Button>
        }
      />
      {isSuperAdmin ? (
        <TenantSelect
          allowClear
          placeholder={t('users.tenant')}
          value={tenantId}
          onChange={(value?: string) => setFilter('tenantId', value)}
          style={{ width: 240, marginBottom: 16 }}
        />
      ) : null}
      <QueryTable<Token>
        query={tokens}
        pagination={pagination}
        rowKey="id"
        columns={columns}
        locale={{ emptyText: t('tokens.empty') }}
        data-testid="tokens-table"
      />
      <TokenFormModal
        open={editing !== null}
        token={editing === 'new' || editing === null ? undefined : editing}
        defaultTenantId={tenantId}
        onClose={() => setEditing(null)}
        onCreated={(token) => {
          setEditing(null);
          setCreated(token);
        }}
        onSaved={(token) => {
          setEditing(null);
          void message.success(t('tokens.saved', { name: token.name }));
        }}
      />
      <CreatedTokenModal token={created} onClose={() => setCreated(null)} />
    </>
  );
}
