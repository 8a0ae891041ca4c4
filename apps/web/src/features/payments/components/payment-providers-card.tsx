// Settings → Payment providers (super admin): Stripe (secret key, webhook signing secret, currency
// and rate) and EPay 易支付 (gateway, merchant id and key, Alipay / WeChat Pay, CNY per USD). Secrets
// are write-only: the form shows their masks and sends one only when it is typed. Each card says
// which URL to give the provider for its notifications.
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Flex,
  Form,
  Input,
  Row,
  Select,
  Skeleton,
  Switch,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../../components/error-alert';
import { useServerErrors } from '../../../components/server-errors';
import { useSettings } from '../../settings/api/settings-api';
import { type PaymentProvider, usePaymentProviders, useUpdatePaymentProvider } from '../api/payments-api';

const STRIPE_CURRENCIES = ['usd', 'cny', 'eur', 'gbp', 'hkd', 'sgd', 'jpy'];

/** Only what was typed: an empty secret field keeps the stored secret. */
function typed(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values)
      .map(([key, value]) => [key, typeof value === 'string' ? value.trim() : value])
      .filter(([, value]) => value !== '' && value !== undefined),
  );
}

function NotifyUrl({ provider }: { provider: PaymentProvider }) {
  const { t } = useTranslation();
  const settings = useSettings();
  const base = (settings.data?.siteUrl ?? window.location.origin).replace(/\/+$/, '');
  return (
    <Alert
      type="info"
      showIcon
      message={t(`payments.providers.notifyUrl.${provider.provider}`)}
      description={
        <Typography.Text copyable code data-testid={`notify-url-${provider.provider}`}>
          {`${base}${provider.notifyPath}`}
        </Typography.Text>
      }
    />
  );
}

function ProviderForm({ provider }: { provider: PaymentProvider }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const update = useUpdatePaymentProvider();
  const [form] = Form.useForm();
  const { formError, onError, clear } = useServerErrors(form);
  const secretField = (name: 'secretKey' | 'webhookSecret' | 'key') => (
    <Form.Item
      name={name}
      label={t(`payments.providers.fields.${name}`)}
      extra={t('payments.providers.secretHint')}
    >
      <Input.Password
        autoComplete="new-password"
        placeholder={provider.secrets[name] ?? t('payments.providers.notSet')}
        data-testid={`${provider.provider}-${name}`}
      />
    </Form.Item>
  );
  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={{
        enabled: provider.enabled,
        currency: provider.currency,
        usdRate: provider.usdRate,
        gatewayUrl: provider.gatewayUrl ?? '',
        pid: provider.pid ?? '',
        methods: provider.methods,
      }}
      onFinish={(values: Record<string, unknown>) => {
        clear();
        const body = typed(values);
        const onSuccess = (saved: PaymentProvider) => {
          form.resetFields(['secretKey', 'webhookSecret', 'key']);
          form.setFieldsValue({ enabled: saved.enabled, usdRate: saved.usdRate });
          void message.success(t('payments.providers.saved'));
        };
        if (provider.provider === 'stripe')
          update.mutate({ provider: 'stripe', body }, { onSuccess, onError });
        else update.mutate({ provider: 'epay', body }, { onSuccess, onError });
      }}
    >
      {formError ? <Alert type="error" showIcon message={formError} style={{ marginBottom: 12 }} /> : null}
      <Form.Item name="enabled" label={t('payments.providers.fields.enabled')} valuePropName="checked">
        <Switch data-testid={`${provider.provider}-enabled`} />
      </Form.Item>
      {provider.provider === 'stripe' ? (
        <>
          {secretField('secretKey')}
          {secretField('webhookSecret')}
          <Flex gap={16} wrap>
            <Form.Item name="currency" label={t('payments.providers.fields.currency')}>
              <Select
                style={{ width: 120 }}
                options={STRIPE_CURRENCIES.map((code) => ({ value: code, label: code.toUpperCase() }))}
              />
            </Form.Item>
            <Form.Item
              name="usdRate"
              label={t('payments.providers.fields.usdRate')}
              extra={t('payments.providers.rateHint')}
            >
              <Input style={{ width: 160 }} inputMode="decimal" />
            </Form.Item>
          </Flex>
        </>
      ) : (
        <>
          <Form.Item name="gatewayUrl" label={t('payments.providers.fields.gatewayUrl')}>
            <Input placeholder="https://pay.example.com" data-testid="epay-gatewayUrl" />
          </Form.Item>
          <Form.Item name="pid" label={t('payments.providers.fields.pid')}>
            <Input style={{ width: 200 }} data-testid="epay-pid" />
          </Form.Item>
          {secretField('key')}
          <Flex gap={16} wrap>
            <Form.Item name="methods" label={t('payments.providers.fields.methods')}>
              <Checkbox.Group
                options={(['alipay', 'wxpay'] as const).map((method) => ({
                  value: method,
                  label: t(`payments.ways.${method}`),
                }))}
              />
            </Form.Item>
            <Form.Item
              name="usdRate"
              label={t('payments.providers.fields.cnyRate')}
              extra={t('payments.providers.rateHint')}
            >
              <Input style={{ width: 160 }} inputMode="decimal" data-testid="epay-usdRate" />
            </Form.Item>
          </Flex>
        </>
      )}
      <Flex vertical gap={12}>
        <NotifyUrl provider={provider} />
        <Flex justify="flex-end">
          <Button
            type="primary"
            htmlType="submit"
            loading={update.isPending}
            data-testid={`${provider.provider}-save`}
          >
            {t('common.save')}
          </Button>
        </Flex>
      </Flex>
    </Form>
  );
}

export function PaymentProvidersCard() {
  const { t } = useTranslation();
  const providers = usePaymentProviders();
  return (
    <Card size="small" title={t('payments.providers.title')} data-testid="payment-providers">
      <Typography.Paragraph type="secondary">{t('payments.providers.intro')}</Typography.Paragraph>
      {providers.isPending ? <Skeleton active /> : null}
      {providers.isError ? (
        <ErrorAlert error={providers.error} onRetry={() => void providers.refetch()} />
      ) : null}
      <Row gutter={[16, 16]}>
        {providers.data?.map((provider) => (
          <Col xs={24} lg={12} key={provider.provider}>
            <Card
              size="small"
              title={t(`payments.providers.names.${provider.provider}`)}
              style={{ height: '100%' }}
            >
              <ProviderForm provider={provider} />
            </Card>
          </Col>
        ))}
      </Row>
    </Card>
  );
}
