// Edit one key's caps: its own rpm/tpm/rpd/tpd (every model together) and, per upstream model, the
// caps providers enforce on each model of a key (free tiers do), as rows of model + four caps.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Col, Flex, Form, Input, InputNumber, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../../components/form-modal';
import { useServerErrors } from '../../../components/server-errors';
import { type ChannelKey, useUpdateChannelKey } from '../api/channels-api';

export const LIMIT_NAMES = ['rpm', 'tpm', 'rpd', 'tpd'] as const;
type LimitName = (typeof LIMIT_NAMES)[number];
type Caps = Partial<Record<LimitName, number>>;

// What the api accepts as a model name (MODEL_NAME_PATTERN in libs/channels).
const MODEL_NAME = /^\S{1,200}$/;

export interface ModelLimitRow extends Partial<Record<LimitName, number | null>> {
  model: string;
}

interface KeyLimitsValues extends Partial<Record<LimitName, number | null>> {
  models?: ModelLimitRow[];
}

/** The stored map as rows, by model name (PostgreSQL's jsonb keeps no order of its own). */
export function toModelLimitRows(limits: Record<string, Caps> | undefined): ModelLimitRow[] {
  return Object.entries(limits ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([model, caps]) => ({ model, ...caps }));
}

/** The rows as the api's modelLimits: trimmed names, empty caps left out. */
export function fromModelLimitRows(rows: ModelLimitRow[] | undefined): Record<string, Caps> {
  const out: Record<string, Caps> = {};
  for (const row of rows ?? []) {
    const caps: Caps = {};
    for (const name of LIMIT_NAMES) {
      const value = row[name];
      if (typeof value === 'number') caps[name] = value;
    }
    out[row.model.trim()] = caps;
  }
  return out;
}

interface KeyLimitsModalProps {
  channelId: string;
  /** The key being edited (the modal is mounted while it is open). */
  channelKey: ChannelKey;
  onClose: () => void;
  onSaved: () => void;
}

export function KeyLimitsModal({ channelId, channelKey, onClose, onSaved }: KeyLimitsModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<KeyLimitsValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const update = useUpdateChannelKey(channelId);

  const submit = (values: KeyLimitsValues) => {
    clear();
    update.mutate(
      {
        keyId: channelKey.id,
        body: {
          rpm: values.rpm ?? null,
          tpm: values.tpm ?? null,
          rpd: values.rpd ?? null,
          tpd: values.tpd ?? null,
          modelLimits: fromModelLimitRows(values.models),
        },
      },
      { onSuccess: onSaved, onError },
    );
  };

  const cap = (name: LimitName, path: (string | number)[], label: string) => (
    <Form.Item name={path} label={label} style={{ marginBottom: 8 }}>
      <InputNumber
        min={1}
        precision={0}
        style={{ width: '100%' }}
        placeholder={t('common.unlimited')}
        data-testid={`limit-${[...path].join('-')}`}
        aria-label={label}
      />
    </Form.Item>
  );

  return (
    <FormModal<KeyLimitsValues>
      form={form}
      open
      title={t('channels.keys.limitsTitle', { key: channelKey.maskedKey })}
      okText={t('common.save')}
      okTestId="key-limits-save"
      saving={update.isPending}
      formError={formError}
      onClose={onClose}
      onFinish={submit}
      width={820}
      initialValues={{
        rpm: channelKey.rpm,
        tpm: channelKey.tpm,
        rpd: channelKey.rpd,
        tpd: channelKey.tpd,
        models: toModelLimitRows(channelKey.modelLimits as Record<string, Caps>),
      }}
    >
      <Typography.Title level={5}>{t('channels.keys.keyLimits')}</Typography.Title>
      <Row gutter={16}>
        {LIMIT_NAMES.map((name) => (
          <Col xs={12} md={6} key={name}>
            {cap(name, [name], t(`channels.keys.${name}`))}
          </Col>
        ))}
      </Row>
      <Typography.Title level={5}>{t('channels.keys.modelLimits')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('channels.keys.modelLimitsHint')}</Typography.Paragraph>
      <Form.List name="models">
        {(fields, { add, remove }) => (
          <Flex vertical gap={8} data-testid="model-limits">
            {fields.map((field) => (
              <Row gutter={8} key={field.key} align="top" data-testid={`model-limit-row-${field.name}`}>
                <Col xs={24} md={8}>
                  <Form.Item
                    name={[field.name, 'model']}
                    label={t('channels.keys.limitModel')}
                    style={{ marginBottom: 8 }}
                    rules={[
                      { required: true, message: t('channels.keys.limitModelRequired') },
                      {
                        validator: (_, value: string | undefined) =>
                          value === undefined || value === '' || MODEL_NAME.test(value.trim())
                            ? Promise.resolve()
                            : Promise.reject(new Error(t('channels.keys.limitModelInvalid'))),
                      },
                      ({ getFieldValue }) => ({
                        validator: (_, value: string | undefined) => {
                          const rows = (getFieldValue('models') ?? []) as (ModelLimitRow | undefined)[];
                          const same = rows.filter((row) => row?.model?.trim() === value?.trim()).length;
                          return !value || same <= 1
                            ? Promise.resolve()
                            : Promise.reject(new Error(t('channels.keys.limitModelDuplicate')));
                        },
                      }),
                    ]}
                  >
                    <Input
                      placeholder="llama-3.3-70b-versatile"
                      data-testid={`limit-models-${field.name}-model`}
                    />
                  </Form.Item>
                </Col>
                {LIMIT_NAMES.map((name) => (
                  <Col xs={5} md={3} key={name}>
                    {cap(name, [field.name, name], t(`channels.keys.${name}`))}
                  </Col>
                ))}
                <Col xs={4} md={4}>
                  <Form.Item label=" " style={{ marginBottom: 8 }}>
                    <Button
                      type="text"
                      icon={<DeleteOutlined />}
                      aria-label={t('common.remove')}
                      data-testid={`model-limit-remove-${field.name}`}
                      onClick={() => remove(field.name)}
                    />
                  </Form.Item>
                </Col>
              </Row>
            ))}
            <Button
              type="dashed"
              icon={<PlusOutlined />}
              onClick={() => add({ model: '' })}
              data-testid="model-limit-add"
            >
              {t('channels.keys.addModelLimit')}
            </Button>
          </Flex>
        )}
      </Form.List>
    </FormModal>
  );
}
