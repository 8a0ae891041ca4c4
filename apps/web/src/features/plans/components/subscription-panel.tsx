// A tenant's plan: what it pays, what it may use, the current period; a super admin subscribes the
// tenant, switches its plan (the current period stays, its usage counts against the new plan) or
// ends the subscription. Below, every change so far.
import { SwapOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Flex,
  Form,
  InputNumber,
  Popconfirm,
  Select,
  Skeleton,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError, ErrorAlert } from '../../../components/error-alert';
import { FormModal } from '../../../components/form-modal';
import { formatDateTime, formatPeriod, formatUsd } from '../../../components/formatters';
import { useServerErrors } from '../../../components/server-errors';
import { QueryTable } from '../../../components/query-table';
import { usePageState } from '../../../hooks/use-page-state';
import {
  type SubscriptionChange,
  useEndSubscription,
  usePlanOptions,
  useSetSubscription,
  useSubscription,
  useSubscriptionChanges,
} from '../api/plans-api';
import { PlanLimitsList } from './plan-limits-list';
import { PlanUsage } from './plan-usage';

const KIND_COLOR: Record<SubscriptionChange['kind'], string> = {
  subscribe: 'green',
  switch: 'blue',
  end: 'default',
};

interface SubscriptionValues {
  planId: string;
  anchorDay?: number;
}

interface SubscriptionPanelProps {
  tenantId: string;
  /** May subscribe, switch and end (the api allows super admins). */
  canManage: boolean;
}

export function SubscriptionPanel({ tenantId, canManage }: SubscriptionPanelProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const subscription = useSubscription(tenantId);
  const plans = usePlanOptions();
  const historyPage = usePageState(10, {
    hideOnSinglePage: true,
    showTotal: (count) => t('common.total', { count }),
  });
  const changes = useSubscriptionChanges(tenantId, historyPage.page, historyPage.pageSize);
  const set = useSetSubscription(tenantId);
  const end = useEndSubscription(tenantId);
  const [form] = Form.useForm<SubscriptionValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const [choosing, setChoosing] = useState(false);
  const current = subscription.data ?? null;
  const planName = (id: string | null) =>
    id === null ? '—' : (plans.data?.items.find((plan) => plan.id === id)?.name ?? id.slice(0, 8));
  const activePlans = plans.data?.items.filter((plan) => plan.status === 'active') ?? [];

  let summary;
  if (subscription.isPending) summary = <Skeleton active paragraph={{ rows: 3 }} />;
  else if (subscription.isError)
    summary = <ErrorAlert error={subscription.error} onRetry={() => void subscription.refetch()} />;
  else if (!current)
    summary = (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={t('subscription.none')}
        data-testid="subscription-none"
      />
    );
  else
    summary = (
      <Descriptions
        column={{ xs: 1, md: 2 }}
        size="small"
        data-testid="subscription-current"
        items={[
          {
            key: 'plan',
            label: t('subscription.plan'),
            children: (
              <Flex gap={8} align="center">
                <Typography.Text strong data-testid="subscription-plan">
                  {current.plan.name}
                </Typography.Text>
                {current.plan.status === 'archived' ? <Tag>{t('plans.statuses.archived')}</Tag> : null}
              </Flex>
            ),
          },
          {
            key: 'fee',
            label: t('plans.priceUsd'),
            children: t('plans.perMonth', { amount: formatUsd(current.plan.priceUsd) }),
          },
          {
            key: 'period',
            label: t('subscription.period'),
            children: (
              <span data-testid="subscription-period">
                {formatPeriod(current.periodStart, current.periodEnd)}
              </span>
            ),
          },
          {
            key: 'included',
            label: t('plans.includedUsd'),
            children: formatUsd(current.plan.includedUsd),
          },
          {
            key: 'limits',
            label: t('plans.limits'),
            children: <PlanLimitsList limits={current.plan.limits} />,
          },
          {
            key: 'anchor',
            label: t('subscription.anchorDay'),
            children: t('subscription.anchorDayValue', { day: current.anchorDay }),
          },
        ]}
      />
    );

  return (
    <Flex vertical gap={16}>
      <Card
        size="small"
        title={t('subscription.title')}
        extra={
          canManage && !subscription.isPending ? (
            <Flex gap={8}>
              <Button
                type="primary"
                icon={<SwapOutlined />}
                onClick={() => {
                  clear();
                  setChoosing(true);
                }}
                data-testid="subscription-switch"
              >
                {current ? t('subscription.switch') : t('subscription.subscribe')}
              </Button>
              {current ? (
                <Popconfirm
                  title={t('subscription.endConfirm')}
                  description={t('subscription.endHint')}
                  okText={t('subscription.end')}
                  cancelText={t('common.cancel')}
                  onConfirm={() =>
                    end.mutate(undefined, {
                      onSuccess: () => void message.success(t('subscription.ended')),
                      onError: (error) => void message.error(describeError(t, error)),
                    })
                  }
                >
                  <Button danger loading={end.isPending} data-testid="subscription-end">
                    {t('subscription.end')}
                  </Button>
                </Popconfirm>
              ) : null}
            </Flex>
          ) : null
        }
      >
        {summary}
      </Card>
      {current?.usage ? (
        <Card size="small" title={t('subscription.usageThisPeriod')}>
          <PlanUsage plan={current.plan} usage={current.usage} />
        </Card>
      ) : null}
      <Card size="small" title={t('subscription.history')}>
        <QueryTable<SubscriptionChange>
          query={changes}
          pagination={historyPage.pagination}
          rowKey="id"
          size="small"
          locale={{ emptyText: t('subscription.noHistory') }}
          data-testid="subscription-history"
          columns={[
            {
              title: t('billing.time'),
              key: 'time',
              render: (_, change) => formatDateTime(change.createdAt),
            },
            {
              title: t('subscription.change'),
              key: 'kind',
              render: (_, change) => (
                <Tag color={KIND_COLOR[change.kind]}>{t(`subscription.kinds.${change.kind}`)}</Tag>
              ),
            },
            {
              title: t('subscription.fromTo'),
              key: 'plans',
              render: (_, change) =>
                change.kind === 'subscribe'
                  ? planName(change.toPlanId)
                  : change.kind === 'end'
                    ? planName(change.fromPlanId)
                    : `${planName(change.fromPlanId)} → ${planName(change.toPlanId)}`,
            },
            {
              title: t('subscription.historyPeriod'),
              key: 'period',
              render: (_, change) => formatPeriod(change.periodStart, change.periodEnd),
            },
          ]}
        />
      </Card>
      <FormModal<SubscriptionValues>
        form={form}
        open={choosing}
        title={current ? t('subscription.switchTitle') : t('subscription.subscribeTitle')}
        okText={current ? t('subscription.switch') : t('subscription.subscribe')}
        okTestId="subscription-save"
        saving={set.isPending}
        formError={formError}
        onClose={() => setChoosing(false)}
        initialValues={{ planId: undefined, anchorDay: 1 }}
        onFinish={(values) => {
          clear();
          set.mutate(
            current ? { planId: values.planId } : { planId: values.planId, anchorDay: values.anchorDay },
            {
              onSuccess: (saved) => {
                setChoosing(false);
                void message.success(t('subscription.saved', { name: saved.plan.name }));
              },
              onError,
            },
          );
        }}
      >
        {current ? (
          <Typography.Paragraph type="secondary">{t('subscription.switchHint')}</Typography.Paragraph>
        ) : null}
        <Form.Item
          name="planId"
          label={t('subscription.plan')}
          rules={[{ required: true, message: t('subscription.planRequired') }]}
        >
          <Select
            loading={plans.isPending}
            data-testid="subscription-plan-select"
            notFoundContent={t('subscription.noPlans')}
            options={activePlans
              .filter((plan) => plan.id !== current?.plan.id)
              .map((plan) => ({
                value: plan.id,
                label: `${plan.name} · ${t('plans.perMonth', { amount: formatUsd(plan.priceUsd) })}`,
              }))}
          />
        </Form.Item>
        {current ? null : (
          <Form.Item
            name="anchorDay"
            label={t('subscription.anchorDay')}
            extra={t('subscription.anchorHint')}
          >
            <InputNumber min={1} max={31} precision={0} />
          </Form.Item>
        )}
      </FormModal>
    </Flex>
  );
}
