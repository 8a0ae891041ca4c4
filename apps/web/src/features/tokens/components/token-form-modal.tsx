// Create or edit a /v1 token: quota (USD), expiry, allowed models, IP allowlist (CIDR), rpm/tpm.
import { Col, DatePicker, Form, Input, InputNumber, Row, Select, Switch } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useCurrentUser } from '../../../auth/session';
import { FormModal } from '../../../components/form-modal';
import { useServerErrors } from '../../../components/server-errors';
import { USD_AMOUNT } from '../../../components/usd-amount';
import { UsdInput } from '../../../components/usd-input';
import { useModels } from '../../models/api/models-api';
import { TenantSelect } from '../../tenants/components/tenant-select';
import { type CreatedToken, type Token, useCreateToken, useUpdateToken } from '../api/tokens-api';

interface TokenFormValues {
  tenantId?: string;
  name: string;
  quotaUsd?: string;
  expiresAt?: Dayjs | null;
  models: string[];
  ipAllowlist: string[];
  rpm?: number | null;
  tpm?: number | null;
  status: Token['status'];
}

interface TokenFormModalProps {
  open: boolean;
  token?: Token;
  defaultTenantId?: string;
  onClose: () => void;
  onCreated: (token: CreatedToken) => void;
  onSaved: (token: Token) => void;
}

export function TokenFormModal({
  open,
  token,
  defaultTenantId,
  onClose,
  onCreated,
  onSaved,
}: TokenFormModalProps) {
  const { t } = useTranslation();
  const actor = useCurrentUser();
  const isSuperAdmin = actor.role === 'super_admin';
  const [form] = Form.useForm<TokenFormValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const create = useCreateToken();
  const update = useUpdateToken();
  const models = useModels(1, 200);

  const submit = (values: TokenFormValues) => {
    clear();
    const fields = {
      name: values.name.trim(),
      quotaUsd: values.quotaUsd?.trim() ? values.quotaUsd.trim() : null,
      expiresAt: values.expiresAt ? values.expiresAt.toISOString() : null,
      models: values.models,
      ipAllowlist: values.ipAllowlist,
      rpm: values.rpm ?? null,
      tpm: values.tpm ?? null,
      // A revoked token stays revoked: the api refuses to set its status.
      status: values.status === 'revoked' ? undefined : values.status,
    };
    if (token) {
      update.mutate({ id: token.id, body: fields }, { onSuccess: onSaved, onError });
    } else {
      create.mutate(
        { ...fields, ...(isSuperAdmin ? { tenantId: values.tenantId } : {}) },
        { onSuccess: onCreated, onError },
      );
    }
  };

  return (
    <FormModal<TokenFormValues>
      form={form}
      open={open}
      title={token ? t('tokens.editTitle', { name: token.name }) : t('tokens.createTitle')}
      okText={token ? t('common.save') : t('tokens.create')}
      okTestId="token-save"
      saving={create.isPending || update.isPending}
      formError={formError}
      onClose={onClose}
      onFinish={submit}
      width={640}
      initialValues={
        token
          ? {
              name: token.name,
              quotaUsd: token.quotaUsd ?? '',
              expiresAt: token.expiresAt ? dayjs(token.expiresAt) : null,
              models: token.models,
              ipAllowlist: token.ipAllowlist,
              rpm: token.rpm,
              tpm: token.tpm,
              status: token.status,
            }
          : { models: [], ipAllowlist: [], status: 'active', tenantId: defaultTenantId }
      }
    >
      {isSuperAdmin && !token ? (
        <Form.Item
          name="tenantId"
          label={t('users.tenant')}
          rules={[{ required: true, message: t('users.tenantRequired') }]}
        >
          <TenantSelect data-testid="token-tenant" />
        </Form.Item>
      ) : null}
      <Form.Item
        name="name"
        label={t('tokens.name')}
        rules={[{ required: true, whitespace: true, message: t('common.required') }]}
      >
        <Input data-testid="token-name" />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item
            name="quotaUsd"
            label={t('tokens.quotaUsd')}
            extra={t('tokens.quotaHint')}
            rules={[{ pattern: USD_AMOUNT, message: t('models.usdInvalid') }]}
          >
            <UsdInput placeholder={t('common.unlimited')} data-testid="token-quota" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="expiresAt" label={t('tokens.expiresAt')} extra={t('tokens.expiresHint')}>
            <DatePicker
              showTime
              style={{ width: '100%' }}
              disabledDate={(date) => date.isBefore(dayjs().startOf('day'))}
              placeholder={t('tokens.never')}
            />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="models" label={t('tokens.models')} extra={t('tokens.modelsHint')}>
        <Select
          mode="tags"
          placeholder={t('tokens.allModels')}
          options={models.data?.items.map((model) => ({ value: model.id, label: model.id }))}
          data-testid="token-models"
        />
      </Form.Item>
      <Form.Item name="ipAllowlist" label={t('tokens.ipAllowlist')} extra={t('tokens.ipAllowlistHint')}>
        <Select
          mode="tags"
          open={false}
          suffixIcon={null}
          tokenSeparators={[',', ' ']}
          placeholder={t('tokens.anywhere')}
        />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={12} md={8}>
          <Form.Item name="rpm" label={t('tokens.rpm')}>
            <InputNumber min={1} style={{ width: '100%' }} placeholder={t('common.unlimited')} />
          </Form.Item>
        </Col>
        <Col xs={12} md={8}>
          <Form.Item name="tpm" label={t('tokens.tpm')}>
            <InputNumber min={1} style={{ width: '100%' }} placeholder={t('common.unlimited')} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name="status"
            label={t('tokens.enabled')}
            valuePropName="checked"
            getValueProps={(value: string) => ({ checked: value === 'active' })}
            normalize={(checked: boolean) => (checked ? 'active' : 'disabled')}
          >
            <Switch />
          </Form.Item>
        </Col>
      </Row>
    </FormModal>
  );
}
