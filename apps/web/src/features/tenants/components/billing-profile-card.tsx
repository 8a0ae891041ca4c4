// The tenant's billing profile (owner and finance; a super admin for any tenant): who invoices are
// made out to, where they are mailed, in which currency and language. Copied into each invoice at
// issue, so a change here applies to the next invoice, never to one already issued.
import { App, Button, Card, Col, Form, Input, Row, Select, Skeleton } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../../components/error-alert';
import { FormError } from '../../../components/form-error';
import { useServerErrors } from '../../../components/server-errors';
import { useTenant, useUpdateTenant } from '../api/tenants-api';

interface ProfileValues {
  legalName?: string;
  address?: string;
  country?: string;
  taxId?: string;
  email?: string;
  currency: string;
  language: 'en' | 'zh-CN';
}

const CURRENCIES = ['USD', 'CNY', 'EUR', 'GBP', 'JPY', 'HKD', 'SGD'];

export function BillingProfileCard({ tenantId }: { tenantId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const tenant = useTenant(tenantId);
  const update = useUpdateTenant();
  const [form] = Form.useForm<ProfileValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const profile = tenant.data?.billingProfile;

  useEffect(() => {
    if (!tenant.data) return;
    form.setFieldsValue({
      legalName: profile?.legalName ?? '',
      address: profile?.address ?? '',
      country: profile?.country ?? '',
      taxId: profile?.taxId ?? '',
      email: profile?.email ?? '',
      currency: profile?.currency ?? 'USD',
      language: profile?.language ?? 'en',
    });
  }, [tenant.data, profile, form]);

  if (tenant.isPending) return <Skeleton active />;
  if (tenant.isError) return <ErrorAlert error={tenant.error} onRetry={() => void tenant.refetch()} />;
  const text = (value?: string) => (value?.trim() ? value.trim() : null);

  return (
    <Card
      size="small"
      title={t('invoices.profile.title', { name: tenant.data.name })}
      style={{ marginBottom: 16 }}
      data-testid="billing-profile"
    >
      <Form<ProfileValues>
        form={form}
        layout="vertical"
        onFinish={(values) => {
          clear();
          update.mutate(
            {
              id: tenantId,
              body: {
                billingProfile: {
                  legalName: text(values.legalName),
                  address: text(values.address),
                  country: text(values.country),
                  taxId: text(values.taxId),
                  email: text(values.email),
                  currency: values.currency,
                  language: values.language,
                },
              },
            },
            { onSuccess: () => void message.success(t('invoices.profile.saved')), onError },
          );
        }}
      >
        <FormError message={formError} />
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item
              name="legalName"
              label={t('invoices.profile.legalName')}
              extra={t('invoices.profile.legalNameHint')}
            >
              <Input maxLength={200} data-testid="profile-legalName" />
            </Form.Item>
            <Form.Item name="address" label={t('invoices.profile.address')}>
              <Input.TextArea rows={3} maxLength={1000} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Row gutter={16}>
              <Col span={12}>
                <Form.Item name="country" label={t('invoices.profile.country')}>
                  <Input maxLength={2} placeholder="CN" />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="taxId" label={t('invoices.taxId')}>
                  <Input maxLength={64} />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item
              name="email"
              label={t('invoices.profile.email')}
              extra={t('invoices.profile.emailHint')}
            >
              <Input maxLength={320} type="email" />
            </Form.Item>
            <Row gutter={16}>
              <Col span={12}>
                <Form.Item
                  name="currency"
                  label={t('invoices.currency')}
                  extra={t('invoices.profile.currencyHint')}
                >
                  <Select
                    showSearch
                    options={CURRENCIES.map((code) => ({ value: code, label: code }))}
                    data-testid="profile-currency"
                  />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="language" label={t('invoices.profile.language')}>
                  <Select
                    options={[
                      { value: 'en', label: 'English' },
                      { value: 'zh-CN', label: '简体中文' },
                    ]}
                    data-testid="profile-language"
                  />
                </Form.Item>
              </Col>
            </Row>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="profile-save">
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}
