// Create a tenant, or edit one (a super admin may change every field, including status).
import { Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../../components/form-modal';
import { useServerErrors } from '../../../components/server-errors';
import { TimeZoneSelect } from '../../../components/time-zone-select';
import { type Tenant, useCreateTenant, useUpdateTenant } from '../api/tenants-api';

interface TenantFormValues {
  name: string;
  group: string;
  timezone: string;
  billingEmail?: string;
  status?: Tenant['status'];
}

interface TenantFormModalProps {
  open: boolean;
  tenant?: Tenant;
  onClose: () => void;
  onSaved: (tenant: Tenant) => void;
}

export function TenantFormModal({ open, tenant, onClose, onSaved }: TenantFormModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TenantFormValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const create = useCreateTenant();
  const update = useUpdateTenant();

  const submit = (values: TenantFormValues) => {
    clear();
    const billingEmail = values.billingEmail?.trim() || null;
    if (tenant) {
      update.mutate(
        {
          id: tenant.id,
          body: {
            name: values.name,
            group: values.group,
            timezone: values.timezone,
            status: values.status,
            billingEmail,
          },
        },
        { onSuccess: onSaved, onError },
      );
    } else {
      create.mutate(
        { name: values.name, group: values.group, timezone: values.timezone, billingEmail },
        { onSuccess: onSaved, onError },
      );
    }
  };

  return (
    <FormModal<TenantFormValues>
      form={form}
      open={open}
      title={tenant ? t('tenants.editTitle', { name: tenant.name }) : t('tenants.createTitle')}
      okText={tenant ? t('common.save') : t('tenants.create')}
      okTestId="tenant-save"
      saving={create.isPending || update.isPending}
      formError={formError}
      onClose={onClose}
      onFinish={submit}
      initialValues={
        tenant
          ? {
              name: tenant.name,
              group: tenant.group,
              timezone: tenant.timezone,
              billingEmail: tenant.billingEmail ?? '',
              status: tenant.status,
            }
          : { group: 'default', timezone: 'UTC' }
      }
    >
      <Form.Item
        name="name"
        label={t('tenants.name')}
        rules={[{ required: true, whitespace: true, message: t('common.required') }]}
      >
        <Input data-testid="tenant-name" />
      </Form.Item>
      <Form.Item name="group" label={t('tenants.group')} extra={t('tenants.groupHint')}>
        <Input />
      </Form.Item>
      <Form.Item name="timezone" label={t('tenants.timezone')}>
        <TimeZoneSelect data-testid="tenant-timezone" />
      </Form.Item>
      <Form.Item name="billingEmail" label={t('tenants.billingEmail')}>
        <Input type="email" />
      </Form.Item>
      {tenant ? (
        <Form.Item name="status" label={t('tenants.status')} extra={t('tenants.statusHint')}>
          <Select
            options={(['active', 'disabled'] as const).map((value) => ({
              value,
              label: t(`tenants.statuses.${value}`),
            }))}
          />
        </Form.Item>
      ) : null}
    </FormModal>
  );
}
