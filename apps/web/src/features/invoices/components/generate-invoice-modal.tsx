// Issue a closed month's invoice now instead of waiting for the hourly close. The api answers at once
// with the invoice's id (the worker issues it shortly); a super admin names the tenant.
import { type ButtonProps, DatePicker, Form, Modal, Select, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { isPlatformAdmin } from '../../../auth/roles';
import { useCurrentUser } from '../../../auth/session';
import { FormError } from '../../../components/form-error';
import { useServerErrors } from '../../../components/server-errors';
import { useTenantOptions } from '../../tenants/api/tenants-api';
import { type InvoiceRequest, useGenerateInvoice } from '../api/invoices-api';

interface GenerateValues {
  tenantId?: string;
  period: Dayjs;
}

interface GenerateInvoiceModalProps {
  open: boolean;
  /** The tenant the list is filtered to, as the default. */
  tenantId?: string;
  onClose: () => void;
  onRequested: (request: InvoiceRequest) => void;
}

export function GenerateInvoiceModal({ open, tenantId, onClose, onRequested }: GenerateInvoiceModalProps) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const operator = isPlatformAdmin(user.role);
  const tenants = useTenantOptions(operator && open);
  const [form] = Form.useForm<GenerateValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const generate = useGenerateInvoice();

  return (
    <Modal
      open={open}
      title={t('invoices.generateTitle')}
      okText={t('invoices.generate')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'generate-save' } as ButtonProps}
      confirmLoading={generate.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      afterClose={() => form.resetFields()}
      destroyOnHidden
    >
      <Form<GenerateValues>
        form={form}
        layout="vertical"
        initialValues={{ tenantId, period: dayjs().subtract(1, 'month').startOf('month') }}
        onFinish={(values) => {
          clear();
          generate.mutate(
            {
              ...(operator ? { tenantId: values.tenantId } : {}),
              period: values.period.format('YYYY-MM'),
            },
            { onSuccess: onRequested, onError },
          );
        }}
      >
        <FormError message={formError} />
        <Typography.Paragraph type="secondary">{t('invoices.generateHint')}</Typography.Paragraph>
        {operator ? (
          <Form.Item
            name="tenantId"
            label={t('users.tenant')}
            rules={[{ required: true, message: t('errors.codes.tenant_required') }]}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              loading={tenants.isPending}
              options={tenants.data?.items.map((tenant) => ({ value: tenant.id, label: tenant.name }))}
              data-testid="generate-tenant"
            />
          </Form.Item>
        ) : null}
        <Form.Item
          name="period"
          label={t('invoices.period')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <DatePicker
            picker="month"
            // Only closed months: the current one is still running.
            disabledDate={(date) => !date.isBefore(dayjs().startOf('month'))}
            data-testid="generate-period"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
