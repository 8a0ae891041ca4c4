// The invoices' issuer (super admin): legal name, address, tax ID, contact, payment instructions and
// terms, the tax's label, a footer and an optional logo. Copied into each invoice when it is issued.
import { App, Button, Card, Col, Flex, Form, Input, InputNumber, Row, Typography, Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../../components/form-error';
import { useServerErrors } from '../../../components/server-errors';
import { type Settings, useUpdateSettings } from '../api/settings-api';

interface IssuerValues {
  legalName: string;
  address: string;
  taxId?: string;
  email?: string;
  paymentInstructions?: string;
  footer?: string;
  taxLabel?: string;
  paymentTermsDays: number;
  logo?: string | null;
}

const MAX_LOGO_BYTES = 140_000;

export function IssuerCard({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const update = useUpdateSettings();
  const [form] = Form.useForm<IssuerValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const issuer = settings.issuer;
  const logo = Form.useWatch('logo', form);
  const text = (value?: string) => (value?.trim() ? value.trim() : null);

  return (
    <Card size="small" title={t('settings.issuer.title')} data-testid="issuer-card">
      <Typography.Paragraph type="secondary">{t('settings.issuer.hint')}</Typography.Paragraph>
      <Form<IssuerValues>
        form={form}
        layout="vertical"
        initialValues={{
          legalName: issuer?.legalName ?? '',
          address: issuer?.address ?? '',
          taxId: issuer?.taxId ?? '',
          email: issuer?.email ?? '',
          paymentInstructions: issuer?.paymentInstructions ?? '',
          footer: issuer?.footer ?? '',
          taxLabel: issuer?.taxLabel ?? '',
          paymentTermsDays: issuer?.paymentTermsDays ?? 30,
          logo: issuer?.logo ?? null,
        }}
        onFinish={(values) => {
          clear();
          update.mutate(
            {
              issuer: {
                legalName: values.legalName.trim(),
                address: values.address.trim(),
                taxId: text(values.taxId),
                email: text(values.email),
                paymentInstructions: text(values.paymentInstructions),
                footer: text(values.footer),
                taxLabel: text(values.taxLabel),
                paymentTermsDays: values.paymentTermsDays,
                logo: values.logo ?? null,
              },
            },
            { onSuccess: () => void message.success(t('settings.saved')), onError },
          );
        }}
      >
        <FormError message={formError} />
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item
              name="legalName"
              label={t('settings.issuer.legalName')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input maxLength={200} data-testid="issuer-legalName" />
            </Form.Item>
            <Form.Item
              name="address"
              label={t('settings.issuer.address')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input.TextArea rows={3} maxLength={1000} data-testid="issuer-address" />
            </Form.Item>
            <Row gutter={16}>
              <Col span={12}>
                <Form.Item name="taxId" label={t('invoices.taxId')}>
                  <Input maxLength={64} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="email" label={t('settings.issuer.email')}>
                  <Input maxLength={320} type="email" />
                </Form.Item>
              </Col>
            </Row>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="paymentInstructions" label={t('settings.issuer.paymentInstructions')}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
            <Row gutter={16}>
              <Col span={12}>
                <Form.Item name="paymentTermsDays" label={t('settings.issuer.paymentTermsDays')}>
                  <InputNumber min={0} max={365} precision={0} suffix={t('settings.issuer.days')} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="taxLabel" label={t('settings.issuer.taxLabel')}>
                  <Input maxLength={40} placeholder="VAT" />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="footer" label={t('settings.issuer.footer')}>
              <Input maxLength={1000} />
            </Form.Item>
            <Form.Item name="logo" hidden>
              <Input />
            </Form.Item>
            <Form.Item label={t('settings.issuer.logo')} extra={t('settings.issuer.logoHint')}>
              <Flex gap={8} align="center">
                {logo ? (
                  <img src={logo} alt="" style={{ maxHeight: 40, maxWidth: 120 }} data-testid="issuer-logo" />
                ) : null}
                <Upload
                  accept="image/png,image/jpeg"
                  showUploadList={false}
                  beforeUpload={(file) => {
                    if (file.size > MAX_LOGO_BYTES) {
                      void message.error(t('settings.issuer.logoTooLarge'));
                      return Upload.LIST_IGNORE;
                    }
                    const reader = new FileReader();
                    reader.onload = () => form.setFieldValue('logo', String(reader.result));
                    reader.readAsDataURL(file);
                    return false;
                  }}
                >
                  <Button size="small">{t('settings.issuer.chooseLogo')}</Button>
                </Upload>
                {logo ? (
                  <Button size="small" onClick={() => form.setFieldValue('logo', null)}>
                    {t('settings.issuer.removeLogo')}
                  </Button>
                ) : null}
              </Flex>
            </Form.Item>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="issuer-save">
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}
