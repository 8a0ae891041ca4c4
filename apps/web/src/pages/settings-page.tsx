// Settings (super admin): the site's name and URL, open sign-up, and the relay's retry and cooldown
// policy. Values changed here override the environment's defaults; each is marked as such. Below
// them, the online payment providers (Stripe, EPay) and moving a NewAPI / one-api installation over.
import {
  App,
  Button,
  Card,
  Col,
  Flex,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Skeleton,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../components/error-alert';
import { FormError } from '../components/form-error';
import { PageHeader } from '../components/page-header';
import { useServerErrors } from '../components/server-errors';
import { NewApiImportCard } from '../features/imports/components/newapi-import-card';
import { PaymentProvidersCard } from '../features/payments/components/payment-providers-card';
import { type Settings, useSettings, useUpdateSettings } from '../features/settings/api/settings-api';
import { ExchangeRatesCard } from '../features/settings/components/exchange-rates-card';
import { IssuerCard } from '../features/settings/components/issuer-card';
import { SmtpCard } from '../features/settings/components/smtp-card';

type SettingsValues = Omit<Settings, 'overridden' | 'siteUrl' | 'issuer' | 'smtp' | 'exchangeRates'> & {
  siteUrl?: string;
};

const RETRY_STATUS_CHOICES = [408, 409, 425, 429, 500, 502, 503, 504, 529];

export function SettingsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const settings = useSettings();
  const update = useUpdateSettings();
  const [form] = Form.useForm<SettingsValues>();
  const { formError, onError, clear } = useServerErrors(form);

  if (settings.isPending) return <Skeleton active />;
  if (settings.isError) return <ErrorAlert error={settings.error} onRetry={() => void settings.refetch()} />;
  const current = settings.data;
  const label = (field: keyof SettingsValues) => (
    <Flex gap={8} align="center">
      {t(`settings.fields.${field}`)}
      {current.overridden.includes(field) ? (
        <Tag color="blue" style={{ marginInlineEnd: 0 }}>
          {t('settings.overridden')}
        </Tag>
      ) : null}
    </Flex>
  );

  return (
    <>
      <PageHeader title={t('nav.settings')} subtitle={t('settings.subtitle')} />
      <Form<SettingsValues>
        form={form}
        layout="vertical"
        initialValues={{ ...siteAndRelay(current), siteUrl: current.siteUrl ?? '' }}
        onFinish={(values) => {
          clear();
          update.mutate(
            {
              siteName: values.siteName.trim(),
              siteUrl: values.siteUrl?.trim() || null,
              registrationOpen: values.registrationOpen,
              relayMaxAttempts: values.relayMaxAttempts,
              relayRetryStatuses: [...values.relayRetryStatuses].map(Number).sort((a, b) => a - b),
              relayCooldownBaseMs: values.relayCooldownBaseMs,
              relayCooldownMaxMs: values.relayCooldownMaxMs,
            },
            {
              onSuccess: (saved) => {
                form.setFieldsValue({ ...siteAndRelay(saved), siteUrl: saved.siteUrl ?? '' });
                void message.success(t('settings.saved'));
              },
              onError,
            },
          );
        }}
      >
        <FormError message={formError} />
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={12}>
            <Card size="small" title={t('settings.site')} style={{ height: '100%' }}>
              <Form.Item
                name="siteName"
                label={label('siteName')}
                rules={[{ required: true, whitespace: true, message: t('common.required') }]}
              >
                <Input maxLength={100} data-testid="settings-siteName" />
              </Form.Item>
              <Form.Item name="siteUrl" label={label('siteUrl')} extra={t('settings.siteUrlHint')}>
                <Input placeholder="https://ai.example.com" />
              </Form.Item>
              <Form.Item
                name="registrationOpen"
                label={label('registrationOpen')}
                extra={t('settings.registrationHint')}
                valuePropName="checked"
              >
                <Switch data-testid="settings-registrationOpen" />
              </Form.Item>
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card size="small" title={t('settings.relay')} style={{ height: '100%' }}>
              <Form.Item
                name="relayMaxAttempts"
                label={label('relayMaxAttempts')}
                extra={t('settings.maxAttemptsHint')}
                rules={[{ required: true, message: t('common.required') }]}
              >
                <InputNumber min={1} max={20} precision={0} data-testid="settings-relayMaxAttempts" />
              </Form.Item>
              <Form.Item
                name="relayRetryStatuses"
                label={label('relayRetryStatuses')}
                extra={t('settings.retryStatusesHint')}
              >
                <Select
                  mode="tags"
                  tokenSeparators={[',', ' ']}
                  options={RETRY_STATUS_CHOICES.map((code) => ({ value: code, label: String(code) }))}
                />
              </Form.Item>
              <Flex gap={16} wrap>
                <Form.Item
                  name="relayCooldownBaseMs"
                  label={label('relayCooldownBaseMs')}
                  rules={[{ required: true, message: t('common.required') }]}
                >
                  <InputNumber min={0} precision={0} step={1000} suffix="ms" style={{ width: 180 }} />
                </Form.Item>
                <Form.Item
                  name="relayCooldownMaxMs"
                  label={label('relayCooldownMaxMs')}
                  rules={[{ required: true, message: t('common.required') }]}
                >
                  <InputNumber min={0} precision={0} step={1000} suffix="ms" style={{ width: 180 }} />
                </Form.Item>
              </Flex>
              <Typography.Text type="secondary">{t('settings.cooldownHint')}</Typography.Text>
            </Card>
          </Col>
        </Row>
        <Flex justify="flex-end" style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="settings-save">
            {t('common.save')}
          </Button>
        </Flex>
      </Form>
      <Flex vertical gap={16} style={{ marginTop: 24 }}>
        <IssuerCard settings={current} />
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={12}>
            <SmtpCard settings={current} />
          </Col>
          <Col xs={24} lg={12}>
            <ExchangeRatesCard settings={current} />
          </Col>
        </Row>
      </Flex>
      <div style={{ marginTop: 24 }}>
        <PaymentProvidersCard />
      </div>
      <div style={{ marginTop: 24 }}>
        <NewApiImportCard />
      </div>
    </>
  );
}

/** The fields of the site and relay form (the billing cards below keep their own). */
function siteAndRelay(settings: Settings): Omit<SettingsValues, 'siteUrl'> {
  const { overridden: _o, siteUrl: _s, issuer: _i, smtp: _m, exchangeRates: _r, ...rest } = settings;
  return rest;
}
