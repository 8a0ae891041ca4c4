// Plans (super admin): the monthly packages tenants subscribe to — fee, included usage allowance and
// limits. Archiving keeps a plan for its current subscribers while nobody new can choose it.
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Flex, Popconfirm, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../components/error-alert';
import { formatDateTime, formatUsd } from '../components/formatters';
import { PageHeader } from '../components/page-header';
import { QueryTable } from '../components/query-table';
import { type Plan, usePlans, useUpdatePlan } from '../features/plans/api/plans-api';
import { PlanFormModal } from '../features/plans/components/plan-form-modal';
import { PlanLimitsList } from '../features/plans/components/plan-limits-list';
import { usePageParams } from '../hooks/use-page-params';

export function PlansPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { page, pageSize, pagination } = usePageParams();
  const plans = usePlans(page, pageSize);
  const update = useUpdatePlan();
  const [editing, setEditing] = useState<Plan | 'new' | null>(null);

  const setStatus = (plan: Plan, status: Plan['status']) =>
    update.mutate(
      { id: plan.id, body: { status } },
      {
        onSuccess: (saved) =>
          void message.success(
            t(status === 'archived' ? 'plans.archived' : 'plans.restored', { name: saved.name }),
          ),
        onError: (error) => void message.error(describeError(t, error)),
      },
    );

  const columns: ColumnsType<Plan> = [
    {
      title: t('plans.name'),
      key: 'name',
      render: (_, plan) => <Typography.Text strong>{plan.name}</Typography.Text>,
    },
    {
      title: t('plans.priceUsd'),
      key: 'price',
      align: 'right',
      render: (_, plan) => t('plans.perMonth', { amount: formatUsd(plan.priceUsd) }),
    },
    {
      title: t('plans.includedUsd'),
      key: 'included',
      align: 'right',
      render: (_, plan) => formatUsd(plan.includedUsd),
    },
    { title: t('plans.limits'), key: 'limits', render: (_, plan) => <PlanLimitsList limits={plan.limits} /> },
    {
      title: t('plans.status'),
      key: 'status',
      render: (_, plan) => (
        <Tag color={plan.status === 'active' ? 'green' : 'default'}>{t(`plans.statuses.${plan.status}`)}</Tag>
      ),
    },
    { title: t('plans.updated'), key: 'updated', render: (_, plan) => formatDateTime(plan.updatedAt) },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, plan) => (
        <Flex gap={4}>
          <Button size="small" onClick={() => setEditing(plan)} data-testid={`plan-edit-${plan.name}`}>
            {t('common.edit')}
          </Button>
          {plan.status === 'active' ? (
            <Popconfirm
              title={t('plans.archiveConfirm', { name: plan.name })}
              description={t('plans.archiveHint')}
              okText={t('plans.archive')}
              cancelText={t('common.cancel')}
              onConfirm={() => setStatus(plan, 'archived')}
            >
              <Button size="small" data-testid={`plan-archive-${plan.name}`}>
                {t('plans.archive')}
              </Button>
            </Popconfirm>
          ) : (
            <Button size="small" onClick={() => setStatus(plan, 'active')}>
              {t('plans.restore')}
            </Button>
          )}
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.plans')}
        subtitle={t('plans.subtitle')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing('new')}
            data-testid="new-plan"
          >
            {t('plans.new')}
          </Button>
        }
      />
      <QueryTable<Plan>
        query={plans}
        pagination={pagination}
        rowKey="id"
        columns={columns}
        locale={{ emptyText: t('plans.empty') }}
        data-testid="plans-table"
      />
      <PlanFormModal
        open={editing !== null}
        plan={editing === 'new' || editing === null ? undefined : editing}
        onClose={() => setEditing(null)}
        onSaved={(plan) => {
          setEditing(null);
          void message.success(t('plans.saved', { name: plan.name }));
        }}
      />
    </>
  );
}
