// Redeem a code into the tenant's balance.
import { App, Button, Form, Input, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { useServerErrors } from '../../../components/server-errors';
import { formatUsd } from '../../../components/formatters';
import { useRedeem } from '../api/billing-api';

export function RedeemForm({ tenantId }: { tenantId?: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ code: string }>();
  const { formError, onError, clear } = useServerErrors(form);
  const redeem = useRedeem();
  return (
    <Form
      form={form}
      layout="inline"
      onFinish={({ code }) => {
        clear();
        redeem.mutate(
          { code: code.trim(), tenantId },
          {
            onSuccess: (entry) => {
              form.resetFields();
              void message.success(t('billing.redeemed', { amount: formatUsd(entry.amountUsd) }));
            },
            onError,
          },
        );
      }}
    >
      <Space.Compact>
        <Form.Item
          name="code"
          rules={[{ required: true, whitespace: true, message: t('billing.codeRequired') }]}
          validateStatus={formError ? 'error' : undefined}
          help={formError ?? undefined}
          style={{ marginInlineEnd: 0 }}
        >
          <Input placeholder={t('billing.codePlaceholder')} style={{ width: 280 }} autoComplete="off" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={redeem.isPending}>
          {t('billing.redeem')}
        </Button>
      </Space.Compact>
    </Form>
  );
}
