// Create or edit a channel. Type-aware: a preset fills type and base URL, the base URL's hint and
// the model placeholder follow the type, and each type shows its own settings (Azure's api-version
// and deployments, Anthropic's version, the output-limit field of OpenAI-format upstreams) and
// sends only those. On create, keys can be pasted right away (one per line).
import {
  Alert,
  Button,
  Col,
  Collapse,
  Flex,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Switch,
  Typography,
} from 'antd';
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../../components/form-error';
import { formatNumber } from '../../../components/formatters';
import { useServerErrors } from '../../../components/server-errors';
import { TimeZoneSelect } from '../../../components/time-zone-select';
import {
  type Channel,
  type ChannelPreset,
  type ChannelType,
  type CreateChannel,
  useChannelPresets,
} from '../api/channels-api';
import { fromMappingRows, type MappingRow, ModelMappingEditor, toMappingRows } from './model-mapping-editor';

export const CHANNEL_TYPES: readonly ChannelType[] = ['openai', 'azure-openai', 'anthropic', 'gemini'];

const MODEL_EXAMPLES: Record<ChannelType, string> = {
  openai: 'gpt-4o, gpt-4o-mini',
  'azure-openai': 'gpt-4o',
  anthropic: 'claude-sonnet-4-5',
  gemini: 'gemini-2.5-flash',
};

/** The settings each type reads; the others are not sent (the api refuses what it does not know). */
const TYPE_SETTINGS: Record<ChannelType, readonly (keyof TypeSettings)[]> = {
  openai: ['maxTokensField'],
  'azure-openai': ['apiVersion', 'maxTokensField'],
  anthropic: ['anthropicVersion'],
  gemini: [],
};

const MAX_TOKENS_FIELDS = ['max_tokens', 'max_completion_tokens'] as const;

/**
 * Where each type's provider resets its daily limits, used when the channel names no zone (the api's
 * DEFAULT_DAY_RESET_ZONES; its view says the one in force as effectiveDayResetZone).
 */
export const DEFAULT_DAY_RESET_ZONES: Record<ChannelType, string> = {
  openai: 'UTC',
  'azure-openai': 'UTC',
  anthropic: 'UTC',
  gemini: 'America/Los_Angeles',
};

interface TypeSettings {
  apiVersion?: string;
  anthropicVersion?: string;
  maxTokensField?: (typeof MAX_TOKENS_FIELDS)[number];
}

/** The type's own settings from the form, blanks dropped; settings of no type (healthCheck) kept. */
export function settingsFor(
  type: ChannelType,
  values: TypeSettings | undefined,
  kept: Record<string, unknown> = {},
): Record<string, unknown> {
  const own = Object.fromEntries(
    TYPE_SETTINGS[type]
      .map((name) => [name, typeof values?.[name] === 'string' ? values[name].trim() : undefined] as const)
      .filter(([, value]) => value),
  );
  const healthCheck = kept['healthCheck'];
  return { ...(healthCheck === undefined ? {} : { healthCheck }), ...own };
}

interface ChannelFormValues {
  name: string;
  type: ChannelType;
  baseUrl: string;
  models: string[];
  mappings: MappingRow[];
  priority: number;
  weight: number;
  groups: string[];
  status: 'enabled' | 'disabled';
  timeoutMs: number;
  probeIntervalS: number;
  /** Empty: the provider's zone (DEFAULT_DAY_RESET_ZONES). */
  dayResetZone?: string | null;
  settings?: TypeSettings;
  keys?: string;
}

/** Caps the pasted keys start with: a preset's published free-tier limits (editable on each key). */
export interface KeyCaps {
  rpm?: number;
  tpm?: number;
  rpd?: number;
  tpd?: number;
  modelLimits?: Record<string, { rpm?: number; tpm?: number; rpd?: number; tpd?: number }>;
}

export interface ChannelFormResult {
  channel: CreateChannel;
  /** create only: the pasted keys, one per line, blanks dropped */
  keys: string[];
  /** create only: the chosen preset's free-tier caps for those keys */
  keyCaps: KeyCaps;
}

function capsOf(preset: ChannelPreset | undefined): KeyCaps {
  const tier = preset?.freeTier;
  if (!tier) return {};
  return { ...(tier.keyLimits ?? {}), modelLimits: tier.modelLimits };
}

type FreeTier = NonNullable<ChannelPreset['freeTier']>;
type Caps = Partial<Record<'rpm' | 'tpm' | 'rpd' | 'tpd', number>>;

/** The preset's caps as they will be copied into the new keys, each with the date and source it was read from. */
function FreeTierCapsList({ tier }: { tier: FreeTier }) {
  const { t } = useTranslation();
  const line = (caps: Caps) =>
    (['rpm', 'tpm', 'rpd', 'tpd'] as const)
      .filter((name) => caps[name] !== undefined)
      .map((name) => `${t(`channels.keys.${name}`)} ${formatNumber(caps[name] ?? 0)}`)
      .join(' · ');
  const taken = t('channels.form.freeTierTakenOn', { date: tier.takenOn });
  const rows: [string, Caps][] = [
    ...(tier.keyLimits ? ([[t('channels.form.freeTierWholeKey'), tier.keyLimits]] as [string, Caps][]) : []),
    ...Object.entries(tier.modelLimits as Record<string, Caps>),
  ];
  return (
    <Flex vertical gap={2} data-testid="preset-free-tier-caps">
      {rows.map(([scope, caps]) => (
        <span key={scope} data-testid="preset-free-tier-row">
          <Typography.Text strong>{scope}</Typography.Text>: {line(caps)}{' '}
          <Typography.Text type="secondary">({taken})</Typography.Text>
        </span>
      ))}
      <span data-testid="preset-free-tier-source">
        {t('channels.form.freeTierSource')}{' '}
        <Typography.Link href={tier.source} target="_blank" rel="noreferrer">
          {tier.source}
        </Typography.Link>{' '}
        <Typography.Text type="secondary">({taken})</Typography.Text>
      </span>
    </Flex>
  );
}

interface ChannelFormProps {
  channel?: Channel;
  submitting: boolean;
  onSubmit: (result: ChannelFormResult) => Promise<unknown>;
  onCancel?: () => void;
}

function initialValues(channel?: Channel): Partial<ChannelFormValues> {
  if (!channel) {
    return {
      type: 'openai',
      models: [],
      mappings: [],
      priority: 0,
      weight: 1,
      groups: ['default'],
      status: 'enabled',
      timeoutMs: 60_000,
      probeIntervalS: 300,
    };
  }
  const text = (name: string) => {
    const value = channel.settings[name];
    return typeof value === 'string' ? value : undefined;
  };
  return {
    name: channel.name,
    type: channel.type,
    baseUrl: channel.baseUrl,
    models: channel.models,
    mappings: toMappingRows(channel.modelMapping),
    priority: channel.priority,
    weight: channel.weight,
    groups: channel.groups,
    status: channel.status === 'disabled' ? 'disabled' : 'enabled',
    timeoutMs: channel.timeoutMs,
    probeIntervalS: channel.probeIntervalS,
    dayResetZone: channel.dayResetZone,
    settings: {
      apiVersion: text('apiVersion'),
      anthropicVersion: text('anthropicVersion'),
      maxTokensField: text('maxTokensField') as TypeSettings['maxTokensField'],
    },
  };
}

/** The preset's note in the UI language when we have it translated, else the api's English. */
function presetNote(t: TFunction, preset: ChannelPreset): string | undefined {
  return isTranslatedPreset(preset.id) ? t(`channels.presetNotes.${preset.id}`) : preset.note;
}

const TRANSLATED_PRESET_NOTES = ['azure-openai', 'vllm', 'ollama'] as const;
const isTranslatedPreset = (id: string): id is (typeof TRANSLATED_PRESET_NOTES)[number] =>
  (TRANSLATED_PRESET_NOTES as readonly string[]).includes(id);

export function splitKeys(text: string | undefined): string[] {
  return (text ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

export function ChannelForm({ channel, submitting, onSubmit, onCancel }: ChannelFormProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ChannelFormValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const presets = useChannelPresets();
  const [preset, setPreset] = useState<ChannelPreset | undefined>();
  const type = Form.useWatch('type', form) ?? channel?.type ?? 'openai';
  const creating = !channel;

  const applyPreset = (id: string) => {
    const chosen = presets.data?.find((candidate) => candidate.id === id);
    setPreset(chosen);
    if (!chosen) return;
    form.setFieldsValue({ type: chosen.type, baseUrl: chosen.baseUrl });
    if (!form.getFieldValue('name')) form.setFieldValue('name', chosen.id);
  };

  const submit = async (values: ChannelFormValues) => {
    clear();
    // A preset's own settings (OpenRouter is probed with a completion) come along on creation; an
    // edit keeps the channel's (its health check among them).
    const kept = creating
      ? preset?.type === values.type
        ? (preset.settings ?? {})
        : {}
      : (channel?.settings ?? {});
    const settings = settingsFor(values.type, values.settings, kept);
    const result: ChannelFormResult = {
      channel: {
        name: values.name.trim(),
        type: values.type,
        baseUrl: values.baseUrl.trim(),
        models: values.models,
        modelMapping: fromMappingRows(values.mappings),
        priority: values.priority,
        weight: values.weight,
        groups: values.groups,
        status: values.status,
        timeoutMs: values.timeoutMs,
        probeIntervalS: values.probeIntervalS,
        // Cleared: back to the provider's zone.
        dayResetZone: values.dayResetZone ?? null,
        settings,
      },
      keys: splitKeys(values.keys),
      keyCaps: creating && preset?.type === values.type ? capsOf(preset) : {},
    };
    await onSubmit(result).catch(onError);
  };

  return (
    <Form<ChannelFormValues>
      form={form}
      layout="vertical"
      style={{ maxWidth: 960 }}
      initialValues={initialValues(channel)}
      onFinish={(values) => void submit(values)}
      data-testid="channel-form"
    >
      <FormError message={formError} />
      {creating ? (
        <Form.Item label={t('channels.form.preset')} extra={t('channels.form.presetHint')}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('channels.form.presetPlaceholder')}
            loading={presets.isPending}
            options={presets.data?.map((candidate) => ({ value: candidate.id, label: candidate.label }))}
            onChange={applyPreset}
            data-testid="channel-preset"
          />
        </Form.Item>
      ) : null}
      {preset?.note ? (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title={presetNote(t, preset)} />
      ) : null}
      {preset?.freeTier ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="preset-free-tier"
          title={t('channels.form.freeTierCaps', { date: preset.freeTier.takenOn })}
          description={<FreeTierCapsList tier={preset.freeTier} />}
        />
      ) : null}
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item
            name="name"
            label={t('channels.form.name')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Input data-testid="channel-name" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="type" label={t('channels.form.type')} rules={[{ required: true }]}>
            <Select
              options={CHANNEL_TYPES.map((value) => ({ value, label: t(`channels.types.${value}`) }))}
              data-testid="channel-type"
            />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item
        name="baseUrl"
        label={t('channels.form.baseUrl')}
        extra={t(`channels.baseUrlHint.${type}`)}
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Input placeholder="https://api.openai.com/v1" data-testid="channel-base-url" />
      </Form.Item>
      {TYPE_SETTINGS[type].length > 0 ? (
        <Row gutter={16} data-testid="channel-type-settings">
          {type === 'azure-openai' ? (
            <Col xs={24} md={12}>
              <Form.Item
                name={['settings', 'apiVersion']}
                label={t('channels.form.apiVersion')}
                extra={t('channels.form.apiVersionHint')}
              >
                <Input placeholder="2024-10-21" data-testid="channel-api-version" />
              </Form.Item>
            </Col>
          ) : null}
          {type === 'anthropic' ? (
            <Col xs={24} md={12}>
              <Form.Item
                name={['settings', 'anthropicVersion']}
                label={t('channels.form.anthropicVersion')}
                extra={t('channels.form.anthropicVersionHint')}
              >
                <Input placeholder="2023-06-01" data-testid="channel-anthropic-version" />
              </Form.Item>
            </Col>
          ) : null}
          {TYPE_SETTINGS[type].includes('maxTokensField') ? (
            <Col xs={24} md={12}>
              <Form.Item
                name={['settings', 'maxTokensField']}
                label={t('channels.form.maxTokensField')}
                extra={t('channels.form.maxTokensFieldHint')}
              >
                <Select
                  allowClear
                  placeholder={t('channels.form.maxTokensFieldAuto')}
                  options={MAX_TOKENS_FIELDS.map((value) => ({ value, label: value }))}
                  data-testid="channel-max-tokens-field"
                />
              </Form.Item>
            </Col>
          ) : null}
        </Row>
      ) : null}
      <Form.Item
        name="models"
        label={t('channels.form.models')}
        extra={t('channels.form.modelsHint')}
        rules={[{ required: true, type: 'array', min: 1, message: t('channels.form.modelsRequired') }]}
      >
        <Select
          mode="tags"
          tokenSeparators={[',', ' ']}
          placeholder={MODEL_EXAMPLES[type]}
          open={false}
          suffixIcon={null}
          data-testid="channel-models"
        />
      </Form.Item>
      <Form.Item
        label={t(type === 'azure-openai' ? 'channels.form.deployments' : 'channels.form.modelMapping')}
        extra={t(
          type === 'azure-openai' ? 'channels.form.deploymentsHint' : 'channels.form.modelMappingHint',
        )}
      >
        <ModelMappingEditor />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={12} md={6}>
          <Form.Item
            name="priority"
            label={t('channels.form.priority')}
            tooltip={t('channels.form.priorityHint')}
          >
            <InputNumber min={-1000} max={1000} style={{ width: '100%' }} data-testid="channel-priority" />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="weight" label={t('channels.form.weight')} tooltip={t('channels.form.weightHint')}>
            <InputNumber min={0} max={1000} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="groups" label={t('channels.form.groups')} tooltip={t('channels.form.groupsHint')}>
            <Select mode="tags" open={false} suffixIcon={null} />
          </Form.Item>
        </Col>
        <Col xs={24} md={4}>
          <Form.Item
            name="status"
            label={t('channels.form.enabled')}
            valuePropName="checked"
            getValueProps={(value: string) => ({ checked: value !== 'disabled' })}
            normalize={(checked: boolean) => (checked ? 'enabled' : 'disabled')}
          >
            <Switch />
          </Form.Item>
        </Col>
      </Row>
      <Collapse
        ghost
        style={{ marginBottom: 16 }}
        items={[
          {
            key: 'advanced',
            label: t('channels.form.advanced'),
            forceRender: true,
            children: (
              <Row gutter={16}>
                <Col xs={12}>
                  <Form.Item name="timeoutMs" label={t('channels.form.timeoutMs')}>
                    <InputNumber min={1000} max={600_000} step={1000} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={12}>
                  <Form.Item name="probeIntervalS" label={t('channels.form.probeIntervalS')}>
                    <InputNumber min={0} max={86_400} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={24}>
                  <Form.Item
                    name="dayResetZone"
                    label={t('channels.form.dayResetZone')}
                    extra={t('channels.form.dayResetZoneHint')}
                  >
                    <TimeZoneSelect
                      allowClear
                      data-testid="channel-day-reset-zone"
                      placeholder={t('channels.form.dayResetZoneDefault', {
                        zone: DEFAULT_DAY_RESET_ZONES[type],
                      })}
                    />
                  </Form.Item>
                </Col>
              </Row>
            ),
          },
        ]}
      />
      {creating ? (
        <Form.Item name="keys" label={t('channels.form.keys')} extra={t('channels.form.keysHint')}>
          <Input.TextArea rows={4} spellCheck={false} autoComplete="off" data-testid="channel-keys" />
        </Form.Item>
      ) : null}
      <Typography.Paragraph type="secondary">{t('channels.form.secretsNote')}</Typography.Paragraph>
      <Button type="primary" htmlType="submit" loading={submitting} data-testid="channel-save">
        {creating ? t('channels.create') : t('common.save')}
      </Button>
      {onCancel ? (
        <Button style={{ marginInlineStart: 8 }} onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      ) : null}
    </Form>
  );
}
