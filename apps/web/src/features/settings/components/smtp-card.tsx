// The SMTP server issued invoices are mailed through (super admin). The password is write-only:
// the api says only whether one is set, and leaving the field empty keeps it.
import { App, Button, Card, Col, Form, Input, InputNumber, Row, Switch, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../../components/form-error';
import { useServerErrors } from '../../../components/server-errors';
import { type Settings, useUpdateSettings } from '../api/settings-api';

interface SmtpValues {
  host: string;
  port: number;
  secure: boolean;
  username?: string;
  password?: string;
  from: string;
}

export function SmtpCard({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const update = useUpdateSettings();
  const [form] = Form.useForm<SmtpValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const smtp = settings.smtp;

  return (
    <Card
      size="small"
      title={t('settings.smtp.title')}
      extra={smtp ? <Tag color="green">{t('settings.smtp.on')}</Tag> : <Tag>{t('settings.smtp.off')}</Tag>}
      style={{ height: '100%' }}
      data-testid="smtp-card"
    >
      <Typography.Paragraph type="secondary">{t('settings.smtp.hint')}</Typography.Paragraph>
      <Form<SmtpValues>
        form={form}
        layout="vertical"
        initialValues={{
          host: smtp?.host ?? '',
          port: smtp?.port ?? 587,
          secure: smtp?.secure ?? false,
          username: smtp?.username ?? '',
          password: '',
          from: smtp?.from ?? '',
        }}
        onFinish={(values) => {
          clear();
          update.mutate(
            {
              smtp: {
                host: values.host.trim(),
                port: values.port,
                secure: values.secure,
                username: values.username?.trim() || null,
                ...(values.password ? { password: values.password } : {}),
                from: values.from.trim(),
              },
            },
            {
              onSuccess: () => {
                form.setFieldValue('password', '');
                void message.success(t('settings.saved'));
              },
              onError,
            },
          );
        }}
      >
        <FormError message={formError} />
        <Row gutter={16}>
          <Col span={16}>
            <Form.Item
              name="host"
              label={t('settings.smtp.host')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input placeholder="smtp.example.com" data-testid="smtp-host" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="port"
              label={t('settings.smtp.port')}
              rules={[{ required: true, message: t('common.required') }]}
            >
              <InputNumber min={1} max={65535} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="secure"
          label={t('settings.smtp.secure')}
          valuePropName="checked"
          extra={t('settings.smtp.secureHint')}
        >
          <Switch />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="username" label={t('settings.smtp.username')}>
              <Input autoComplete="off" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="password"
              label={t('settings.smtp.password')}
              extra={smtp?.passwordSet ? t('settings.smtp.passwordKept') : undefined}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="from"
          label={t('settings.smtp.from')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input placeholder="Acme Billing <billing@acme.example>" data-testid="smtp-from" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="smtp-save">
          {t('common.save')}
        </Button>
        {smtp ? (
          <Button
            style={{ marginInlineStart: 8 }}
            onClick={() => update.mutate({ smtp: null }, { onError })}
            data-testid="smtp-off"
          >
            {t('settings.smtp.turnOff')}
          </Button>
        ) : null}
      </Form>
    </Card>
  );
}
