// A tenant's owner or finance user tops up online: an amount in USD, a way to pay (Stripe Checkout,
// or EPay's Alipay / WeChat Pay), the exact charge in the provider's currency, then off to pay. Back
// from the provider (?topup=<order>), the order's status is shown until the notification arrives.
import { Alert, App, Button, Card, Flex, Form, Radio, Spin, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { formatDateTime, formatUsd } from '../../../components/formatters';
import { useServerErrors } from '../../../components/server-errors';
import { UsdInput } from '../../../components/usd-input';
import { useIdempotencyKey } from '../../../hooks/use-idempotency-key';
import { usePageState } from '../../../hooks/use-page-state';
import { useSingleSubmit } from '../../../hooks/use-single-submit';
import {
  type TopupOrder,
  useCreateTopupOrder,
  usePaymentOptions,
  useTopupOrder,
  useTopupOrders,
} from '../api/payments-api';
import { chargePreview } from '../charge-preview';
import { orderStatusText, returnedMessage } from '../order-status';
import { type Way, wayName, ways } from '../payment-ways';

const STATUS_COLOR: Record<TopupOrder['status'], string> = {
  pending: 'processing',
  paid: 'success',
  failed: 'error',
  expired: 'default',
  partially_refunded: 'warning',
  refunded: 'default',
};

function ReturnStatus({ tenantId, orderId }: { tenantId: string; orderId: string }) {
  const { t } = useTranslation();
  const order = useTopupOrder(tenantId, orderId);
  if (!order.data) return order.isPending ? <Spin size="small" /> : null;
  const { status } = order.data;
  const type =
    status === 'paid' ? 'success' : status === 'pending' ? 'info' : status === 'failed' ? 'error' : 'warning';
  return (
    <Alert type={type} showIcon data-testid="topup-return-status" message={returnedMessage(t, order.data)} />
  );
}

export function OnlineTopupCard({ tenantId }: { tenantId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [search] = useSearchParams();
  const options = usePaymentOptions();
  const create = useCreateTopupOrder(tenantId);
  // The card is always open: one key until a save is answered (renewed on success and on refusal).
  const idempotency = useIdempotencyKey(true);
  const [form] = Form.useForm<{ amountUsd: string; way: Way }>();
  const { formError, onError, clear } = useServerErrors(form);
  const amountUsd = Form.useWatch('amountUsd', form) ?? '';
  const chosen = Form.useWatch('way', form);
  const { page, pageSize, pagination } = usePageState(5, { size: 'small' });
  const orders = useTopupOrders(tenantId, page, pageSize);
  const returnedOrder = search.get('topup');
  const available = ways(options.data?.providers ?? []);
  const selected = available.find((entry) => entry.way === chosen);
  const preview = selected
    ? chargePreview(amountUsd.trim(), selected.option.usdRate, selected.option.currency)
    : null;
  const submit = useSingleSubmit(create.isPending, (values: { amountUsd: string; way: Way }) => {
    clear();
    const entry = available.find((candidate) => candidate.way === values.way);
    if (!entry) return;
    create.mutate(
      {
        amountUsd: values.amountUsd.trim(),
        provider: entry.option.provider,
        ...(entry.method ? { method: entry.method } : {}),
        idempotencyKey: idempotency.key,
      },
      {
        onSuccess: (order) => {
          void message.loading(t('payments.redirecting'));
          idempotency.renew();
          if (order.payUrl) window.location.assign(order.payUrl);
        },
        onError: (error) => {
          idempotency.failed(error);
          onError(error);
        },
      },
    );
  });

  const columns: ColumnsType<TopupOrder> = [
    { title: t('billing.time'), key: 'time', render: (_, order) => formatDateTime(order.createdAt) },
    {
      title: t('billing.amountUsd'),
      key: 'amount',
      align: 'right',
      render: (_, order) => formatUsd(order.amountUsd),
    },
    {
      title: t('payments.charged'),
      key: 'charge',
      align: 'right',
      render: (_, order) => `${order.chargeAmount} ${order.currency.toUpperCase()}`,
    },
    {
      title: t('payments.way'),
      key: 'way',
      render: (_, order) => t(`payments.ways.${wayName(order)}`),
    },
    {
      title: t('payments.status'),
      key: 'status',
      render: (_, order) => <Tag color={STATUS_COLOR[order.status]}>{orderStatusText(t, order)}</Tag>,
    },
  ];

  return (
    <Card size="small" title={t('payments.topupTitle')} data-testid="online-topup">
      <Flex vertical gap={12}>
        {returnedOrder ? <ReturnStatus tenantId={tenantId} orderId={returnedOrder} /> : null}
        {options.data && available.length === 0 ? (
          <Typography.Text type="secondary">{t('payments.noProviders')}</Typography.Text>
        ) : (
          <Form form={form} layout="vertical" initialValues={{ way: undefined }} onFinish={submit}>
            {formError ? (
              <Alert type="error" showIcon message={formError} style={{ marginBottom: 12 }} />
            ) : null}
            <Flex gap={16} wrap align="flex-start">
              <Form.Item
                name="amountUsd"
                label={t('payments.amount')}
                rules={[{ required: true, whitespace: true, message: t('common.required') }]}
                style={{ width: 200 }}
              >
                <UsdInput placeholder="25" data-testid="topup-amount" />
              </Form.Item>
              <Form.Item
                name="way"
                label={t('payments.payWith')}
                rules={[{ required: true, message: t('payments.chooseWay') }]}
              >
                <Radio.Group
                  optionType="button"
                  options={available.map(({ way, name }) => ({
                    value: way,
                    label: t(`payments.ways.${name}`),
                  }))}
                  data-testid="topup-way"
                />
              </Form.Item>
            </Flex>
            <Flex justify="space-between" align="center" gap={12} wrap>
              <Typography.Text type="secondary" data-testid="topup-preview">
                {selected && preview
                  ? t('payments.preview', {
                      charge: `${preview} ${selected.option.currency.toUpperCase()}`,
                      rate: selected.option.usdRate,
                      currency: selected.option.currency.toUpperCase(),
                    })
                  : t('payments.previewEmpty')}
              </Typography.Text>
              <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="topup-pay">
                {t('payments.pay')}
              </Button>
            </Flex>
          </Form>
        )}
        <Table<TopupOrder>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={orders.data?.items}
          loading={orders.isPending}
          pagination={pagination(orders.data?.total)}
          locale={{ emptyText: t('payments.noOrders') }}
          data-testid="topup-orders"
        />
      </Flex>
    </Card>
  );
}
