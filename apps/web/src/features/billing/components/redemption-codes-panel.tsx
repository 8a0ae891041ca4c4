// Redemption codes (super admin): every code and its state; a new batch is shown once, in full.
import { PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  DatePicker,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AmountField } from '../../../components/amount-field';
import { describeError } from '../../../components/error-alert';
import { FormModal } from '../../../components/form-modal';
import { formatDateTime, formatUsd } from '../../../components/formatters';
import { useServerErrors } from '../../../components/server-errors';
import { useIdempotencyKey } from '../../../hooks/use-idempotency-key';
import { QueryTable } from '../../../components/query-table';
import { usePageState } from '../../../hooks/use-page-state';
import {
  type CreatedRedemptionCodes,
  type RedemptionCode,
  useCreateRedemptionCodes,
  useDisableRedemptionBatch,
  useDisableRedemptionCode,
  useRedemptionCodes,
} from '../api/billing-api';

const STATUS_COLOR: Record<RedemptionCode['status'], string> = {
  unused: 'blue',
  redeemed: 'green',
  expired: 'default',
  disabled: 'red',
};
const STATUSES: RedemptionCode['status'][] = ['unused', 'redeemed', 'expired', 'disabled'];

interface BatchValues {
  count: number;
  amountUsd: string;
  expiresAt?: Dayjs | null;
  note?: string;
}

export function RedemptionCodesPanel({ tenantName }: { tenantName: (id: string) => string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const paging = usePageState(20, { showTotal: (count) => t('common.total', { count }) });
  const [status, setStatus] = useState<RedemptionCode['status'] | undefined>();
  const codes = useRedemptionCodes(paging.page, paging.pageSize, status);
  const create = useCreateRedemptionCodes();
  const disable = useDisableRedemptionCode();
  const disableBatch = useDisableRedemptionBatch();
  const failed = (error: unknown) => void message.error(describeError(t, error));
  const [form] = Form.useForm<BatchValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const [creating, setCreating] = useState(false);
  const idempotency = useIdempotencyKey(creating);
  const [created, setCreated] = useState<CreatedRedemptionCodes | null>(null);

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" gap={8} wrap>
        <Select
          allowClear
          placeholder={t('billing.codes.status')}
          value={status}
          onChange={(value?: RedemptionCode['status']) => {
            setStatus(value);
            paging.firstPage();
          }}
          options={STATUSES.map((value) => ({ value, label: t(`billing.codes.statuses.${value}`) }))}
          style={{ width: 180 }}
        />
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setCreating(true)}
          data-testid="new-codes"
        >
          {t('billing.codes.generate')}
        </Button>
      </Flex>
      <QueryTable<RedemptionCode>
        query={codes}
        pagination={paging.pagination}
        rowKey="id"
        size="middle"
        locale={{ emptyText: t('billing.codes.empty') }}
        columns={[
          {
            title: t('billing.codes.code'),
            key: 'code',
            render: (_, code) => <Typography.Text code>{code.maskedCode}</Typography.Text>,
          },
          { title: t('billing.amountUsd'), key: 'amount', render: (_, code) => formatUsd(code.amountUsd) },
          {
            title: t('billing.codes.status'),
            key: 'status',
            render: (_, code) => (
              <Tag color={STATUS_COLOR[code.status]}>{t(`billing.codes.statuses.${code.status}`)}</Tag>
            ),
          },
          {
            title: t('billing.codes.redeemedBy'),
            key: 'redeemed',
            render: (_, code) =>
              code.redeemedTenantId
                ? `${tenantName(code.redeemedTenantId)} · ${formatDateTime(code.redeemedAt)}`
                : '—',
          },
          {
            title: t('billing.codes.expires'),
            key: 'expires',
            render: (_, code) => (code.expiresAt ? formatDateTime(code.expiresAt) : t('tokens.never')),
          },
          { title: t('billing.note'), key: 'note', render: (_, code) => code.note ?? '—' },
          { title: t('common.created'), key: 'created', render: (_, code) => formatDateTime(code.createdAt) },
          {
            title: t('billing.codes.revoke'),
            key: 'revoke',
            render: (_, code) =>
              code.status === 'redeemed' || code.status === 'disabled' ? null : (
                <Flex gap={8}>
                  <Popconfirm
                    title={t('billing.codes.disableConfirm')}
                    okText={t('billing.codes.disable')}
                    cancelText={t('common.cancel')}
                    okButtonProps={{ danger: true }}
                    onConfirm={() => disable.mutateAsync(code.id).catch(failed)}
                  >
                    <Button size="small" danger data-testid={`disable-code-${code.id}`}>
                      {t('billing.codes.disable')}
                    </Button>
                  </Popconfirm>
                  <Popconfirm
                    title={t('billing.codes.disableBatchConfirm')}
                    okText={t('billing.codes.disableBatch')}
                    cancelText={t('common.cancel')}
                    okButtonProps={{ danger: true }}
                    onConfirm={() =>
                      disableBatch
                        .mutateAsync(code.batchId)
                        .then(
                          (done) =>
                            void message.success(t('billing.codes.batchDisabled', { count: done.disabled })),
                        )
                        .catch(failed)
                    }
                  >
                    <Button size="small" danger data-testid={`disable-batch-${code.id}`}>
                      {t('billing.codes.disableBatch')}
                    </Button>
                  </Popconfirm>
                </Flex>
              ),
          },
        ]}
      />
      <FormModal<BatchValues>
        form={form}
        open={creating}
        title={t('billing.codes.generateTitle')}
        okText={t('billing.codes.generate')}
        okTestId="codes-save"
        saving={create.isPending}
        formError={formError}
        onClose={() => setCreating(false)}
        initialValues={{ count: 10 }}
        onFinish={(values) => {
          clear();
          create.mutate(
            {
              count: values.count,
              amountUsd: values.amountUsd.trim(),
              ...(values.expiresAt ? { expiresAt: values.expiresAt.toISOString() } : {}),
              ...(values.note?.trim() ? { note: values.note.trim() } : {}),
              idempotencyKey: idempotency.key,
            },
            {
              onSuccess: (batch) => {
                setCreating(false);
                setCreated(batch);
              },
              onError: (error) => {
                idempotency.failed(error);
                onError(error);
              },
            },
          );
        }}
      >
        <Flex gap={16}>
          <Form.Item
            name="count"
            label={t('billing.codes.count')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <InputNumber min={1} max={1000} />
          </Form.Item>
          <AmountField required style={{ flex: 1 }} data-testid="codes-amount" />
        </Flex>
        <Form.Item name="expiresAt" label={t('billing.codes.expires')} extra={t('tokens.expiresHint')}>
          <DatePicker
            showTime
            style={{ width: '100%' }}
            disabledDate={(date) => date.isBefore(dayjs().startOf('day'))}
          />
        </Form.Item>
        <Form.Item name="note" label={t('billing.note')}>
          <Input data-testid="codes-note" />
        </Form.Item>
      </FormModal>
      <Modal
        open={created !== null}
        title={t('billing.codes.createdTitle', { count: created?.items.length ?? 0 })}
        onCancel={() => setCreated(null)}
        mask={{ closable: false }}
        footer={
          <Button type="primary" onClick={() => setCreated(null)}>
            {t('tokens.storedIt')}
          </Button>
        }
        width={640}
      >
        {created ? (
          <>
            <Alert
              type="warning"
              showIcon
              title={t('billing.codes.shownOnce')}
              style={{ marginBottom: 16 }}
            />
            <Typography.Paragraph
              copyable={{
                text: created.items.map((code) => code.code).join('\n'),
                tooltips: [t('common.copy'), t('common.copied')],
              }}
            >
              {t('billing.codes.copyAll')}
            </Typography.Paragraph>
            <pre style={{ maxHeight: 320, overflow: 'auto', margin: 0 }} data-testid="created-codes">
              {created.items.map((code) => code.code).join('\n')}
            </pre>
          </>
        ) : null}
      </Modal>
    </Flex>
  );
}
