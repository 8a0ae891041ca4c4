// Billing: a tenant's balance and its ledger (every credit and debit, with the balance after it);
// operators top up and adjust, owners and admins redeem codes; operators also issue the codes.
// A tenant's owner and finance top up online (Stripe, EPay) from here.
import { MinusCircleOutlined, PlusCircleOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Flex, Row, Select, Statistic, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { canCredit, canManagePlans, canPayOnline, canRedeem } from '../auth/roles';
import { useCurrentUser } from '../auth/session';
import { ErrorAlert } from '../components/error-alert';
import { formatDateTime, formatUsd } from '../components/formatters';
import { PageHeader } from '../components/page-header';
import { QueryTable } from '../components/query-table';
import {
  type CreditKind,
  LEDGER_KINDS,
  type LedgerEntry,
  type LedgerKind,
  useBalance,
  useLedger,
} from '../features/billing/api/billing-api';
import { CreditModal } from '../features/billing/components/credit-modal';
import { ledgerNote } from '../features/billing/ledger-note';
import { RedeemForm } from '../features/billing/components/redeem-form';
import { RedemptionCodesPanel } from '../features/billing/components/redemption-codes-panel';
import { OnlineTopupCard } from '../features/payments/components/online-topup-card';
import { SubscriptionPanel } from '../features/plans/components/subscription-panel';
import { useTenantName, useTenantOptions } from '../features/tenants/api/tenants-api';
import { TenantSelect } from '../features/tenants/components/tenant-select';
import { usePageParams } from '../hooks/use-page-params';

const KIND_COLOR: Record<LedgerKind, string> = {
  topup: 'green',
  redemption: 'cyan',
  adjustment: 'gold',
  refund: 'blue',
  usage: 'default',
  plan_allowance: 'purple',
};

export function BillingPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const user = useCurrentUser();
  const operator = canCredit(user.role);
  const { page, pageSize, search, setFilter, pagination } = usePageParams();
  const tenants = useTenantOptions(operator);
  // Operators pick a tenant (the first by default); everyone else sees their own.
  const tenantId = operator
    ? (search.get('tenantId') ?? tenants.data?.items[0]?.id)
    : (user.tenantId ?? undefined);
  const kind = (search.get('kind') as LedgerKind | null) ?? undefined;
  const balance = useBalance(tenantId);
  const ledger = useLedger(tenantId, page, pageSize, kind);
  const [crediting, setCrediting] = useState<CreditKind | null>(null);
  const requestedTab = search.get('tab');
  const tab = requestedTab === 'plan' || (requestedTab === 'codes' && operator) ? requestedTab : 'ledger';
  const tenantName = useTenantName(operator);

  const columns: ColumnsType<LedgerEntry> = [
    { title: t('billing.time'), key: 'time', render: (_, entry) => formatDateTime(entry.createdAt) },
    {
      title: t('billing.kind'),
      key: 'kind',
      render: (_, entry) => <Tag color={KIND_COLOR[entry.kind]}>{t(`billing.kinds.${entry.kind}`)}</Tag>,
    },
    {
      title: t('billing.amountUsd'),
      key: 'amount',
      align: 'right',
      render: (_, entry) => (
        <Typography.Text type={entry.amountUsd.startsWith('-') ? undefined : 'success'}>
          {entry.amountUsd.startsWith('-') ? formatUsd(entry.amountUsd) : `+${formatUsd(entry.amountUsd)}`}
        </Typography.Text>
      ),
    },
    {
      title: t('billing.balanceAfter'),
      key: 'after',
      align: 'right',
      render: (_, entry) => formatUsd(entry.balanceAfterUsd),
    },
    {
      title: t('billing.note'),
      key: 'note',
      render: (_, entry) => ledgerNote(t, entry.note) ?? entry.ref ?? '—',
    },
  ];

  const ledgerTab = (
    <Flex vertical gap={16}>
      <Row gutter={[16, 16]}>
        {(['balanceUsd', 'creditsUsd', 'debitsUsd'] as const).map((field) => (
          <Col xs={24} md={8} key={field}>
            <Card size="small">
              <Statistic
                title={t(`billing.${field}`)}
                loading={balance.isPending && Boolean(tenantId)}
                value={balance.data ? formatUsd(balance.data[field]) : '—'}
                data-testid={`billing-${field}`}
              />
            </Card>
          </Col>
        ))}
      </Row>
      {balance.isError ? <ErrorAlert error={balance.error} onRetry={() => void balance.refetch()} /> : null}
      {canPayOnline(user.role) && tenantId ? <OnlineTopupCard tenantId={tenantId} /> : null}
      <Flex justify="space-between" gap={8} wrap>
        <Select
          allowClear
          placeholder={t('billing.kind')}
          value={kind}
          onChange={(value?: string) => setFilter('kind', value)}
          options={LEDGER_KINDS.map((value) => ({ value, label: t(`billing.kinds.${value}`) }))}
          style={{ width: 180 }}
        />
        <Flex gap={8} wrap>
          {canRedeem(user.role) ? <RedeemForm tenantId={operator ? tenantId : undefined} /> : null}
          {operator && tenantId ? (
            <>
              <Button
                type="primary"
                icon={<PlusCircleOutlined />}
                onClick={() => setCrediting('topup')}
                data-testid="topup"
              >
                {t('billing.topup')}
              </Button>
              <Button icon={<MinusCircleOutlined />} onClick={() => setCrediting('adjustment')}>
                {t('billing.adjust')}
              </Button>
            </>
          ) : null}
        </Flex>
      </Flex>
      <QueryTable<LedgerEntry>
        query={ledger}
        pagination={pagination}
        rowKey="id"
        columns={columns}
        locale={{ emptyText: t('billing.emptyLedger') }}
        data-testid="ledger-table"
      />
    </Flex>
  );

  return (
    <>
      <PageHeader
        title={t('nav.billing')}
        subtitle={t('billing.subtitle')}
        extra={
          operator ? (
            <TenantSelect
              placeholder={t('users.tenant')}
              value={tenantId}
              onChange={(value: string) => setFilter('tenantId', value)}
              style={{ width: 240 }}
              data-testid="billing-tenant"
            />
          ) : null
        }
      />
      {operator && tenants.data?.items.length === 0 ? (
        <Typography.Paragraph type="secondary">{t('billing.noTenants')}</Typography.Paragraph>
      ) : null}
      <Tabs
        activeKey={tab}
        onChange={(key) => setFilter('tab', key === 'ledger' ? undefined : key)}
        items={[
          { key: 'ledger', label: t('billing.tabs.ledger'), children: ledgerTab },
          {
            key: 'plan',
            label: <span data-testid="billing-tab-plan">{t('billing.tabs.plan')}</span>,
            children: tenantId ? (
              <SubscriptionPanel tenantId={tenantId} canManage={canManagePlans(user.role)} />
            ) : null,
          },
          ...(operator
            ? [
                {
                  key: 'codes',
                  label: t('billing.tabs.codes'),
                  children: <RedemptionCodesPanel tenantName={tenantName} />,
                },
              ]
            : []),
        ]}
      />
      {tenantId ? (
        <CreditModal
          tenantId={tenantId}
          kind={crediting}
          onClose={() => setCrediting(null)}
          onDone={(entry) => {
            setCrediting(null);
            void message.success(t('billing.credited', { amount: formatUsd(entry.amountUsd) }));
          }}
        />
      ) : null}
    </>
  );
}
