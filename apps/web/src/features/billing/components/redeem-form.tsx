// Redeem a code into the tenant's balance. One Idempotency-Key per code typed: a redeem sent again
// after its answer was lost gets the first answer (credited) instead of "already redeemed".
import { App, Button, Form, Input, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { useServerErrors } from '../../../components/server-errors';
import { formatUsd } from '../../../components/formatters';
import { useIdempotencyKey } from '../../../hooks/use-idempotency-key';
import { useRedeem } from '../api/billing-api';

export function RedeemForm({ tenantId }: { tenantId?: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ code: string }>();
  const { formError, onError, clear } = useServerErrors(form);
  const redeem = useRedeem();
  const idempotency = useIdempotencyKey(true);
  return (
    <Form
      form={form}
      layout="inline"
      // Another code is another redeem; the same one sent again keeps its key.
      onValuesChange={idempotency.renew}
      onFinish={({ code }) => {
        clear();
        redeem.mutate(
          { code: code.trim(), tenantId, idempotencyKey: idempotency.key },
          {
            onSuccess: (entry) => {
              form.resetFields();
              idempotency.renew();
              void message.success(t('billing.redeemed', { amount: formatUsd(entry.amountUsd) }));
            },
            onError: (error) => {
              idempotency.failed(error);
              onError(error);
            },
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
