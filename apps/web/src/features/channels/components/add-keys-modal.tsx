// Add provider keys to a channel: paste one or many (one per line); all or nothing on the server.
import { Form, Input, InputNumber, Row, Col, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../../components/form-modal';
import { useServerErrors } from '../../../components/server-errors';
import { useAddChannelKeys } from '../api/channels-api';
import { splitKeys } from './channel-form';

interface AddKeysValues {
  keys: string;
  label?: string;
  priority: number;
  weight: number;
  rpm?: number | null;
  tpm?: number | null;
  rpd?: number | null;
  tpd?: number | null;
}

interface AddKeysModalProps {
  channelId: string;
  open: boolean;
  onClose: () => void;
  onAdded: (count: number) => void;
}

export function AddKeysModal({ channelId, open, onClose, onAdded }: AddKeysModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<AddKeysValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const addKeys = useAddChannelKeys(channelId);
  const count = splitKeys(Form.useWatch('keys', form)).length;

  const submit = (values: AddKeysValues) => {
    clear();
    const keys = splitKeys(values.keys);
    addKeys.mutate(
      {
        keys,
        label: values.label?.trim() ?? '',
        priority: values.priority,
        weight: values.weight,
        rpm: values.rpm ?? null,
        tpm: values.tpm ?? null,
        rpd: values.rpd ?? null,
        tpd: values.tpd ?? null,
        status: 'enabled',
      },
      {
        onSuccess: () => {
          form.resetFields();
          onAdded(keys.length);
        },
        onError,
      },
    );
  };

  const limit = (name: 'rpm' | 'tpm' | 'rpd' | 'tpd') => (
    <Col xs={12} md={6}>
      <Form.Item name={name} label={t(`channels.keys.${name}`)}>
        <InputNumber min={1} style={{ width: '100%' }} placeholder={t('common.unlimited')} />
      </Form.Item>
    </Col>
  );

  return (
    <FormModal<AddKeysValues>
      form={form}
      open={open}
      title={t('channels.keys.addTitle')}
      okText={count > 1 ? t('channels.keys.addMany', { count }) : t('channels.keys.addOne')}
      okTestId="add-keys-submit"
      okDisabled={count === 0}
      saving={addKeys.isPending}
      formError={formError}
      onClose={onClose}
      onFinish={submit}
      width={640}
      initialValues={{ priority: 0, weight: 1 }}
    >
      <Form.Item
        name="keys"
        label={t('channels.keys.keys')}
        extra={t('channels.keys.keysHint')}
        rules={[{ required: true, message: t('channels.keys.keysRequired') }]}
      >
        <Input.TextArea rows={6} spellCheck={false} autoComplete="off" data-testid="add-keys-input" />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="label" label={t('channels.keys.label')}>
            <Input />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="priority" label={t('channels.form.priority')}>
            <InputNumber style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="weight" label={t('channels.form.weight')}>
            <InputNumber min={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        {limit('rpm')}
        {limit('tpm')}
        {limit('rpd')}
        {limit('tpd')}
      </Row>
      <Typography.Text type="secondary">{t('channels.form.secretsNote')}</Typography.Text>
    </FormModal>
  );
}
