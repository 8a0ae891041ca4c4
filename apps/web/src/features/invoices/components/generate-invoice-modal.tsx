// Issue a closed month's invoice now instead of waiting for the hourly close. The api answers at once
// with the invoice's id (the worker issues it shortly); a super admin names the tenant.
import { DatePicker, Form, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { isPlatformAdmin } from '../../../auth/roles';
import { useCurrentUser } from '../../../auth/session';
import { FormModal } from '../../../components/form-modal';
import { useServerErrors } from '../../../components/server-errors';
import { useIdempotencyKey } from '../../../hooks/use-idempotency-key';
import { TenantSelect } from '../../tenants/components/tenant-select';
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
  const [form] = Form.useForm<GenerateValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const generate = useGenerateInvoice();
  const idempotency = useIdempotencyKey(open);

  return (
    <FormModal<GenerateValues>
      form={form}
      open={open}
      title={t('invoices.generateTitle')}
      okText={t('invoices.generate')}
      okTestId="generate-save"
      saving={generate.isPending}
      formError={formError}
      onClose={onClose}
      initialValues={{ tenantId, period: dayjs().subtract(1, 'month').startOf('month') }}
      onFinish={(values) => {
        clear();
        generate.mutate(
          {
            ...(operator ? { tenantId: values.tenantId } : {}),
            period: values.period.format('YYYY-MM'),
            idempotencyKey: idempotency.key,
          },
          {
            onSuccess: onRequested,
            onError: (error) => {
              idempotency.failed(error);
              onError(error);
            },
          },
        );
      }}
    >
      <Typography.Paragraph type="secondary">{t('invoices.generateHint')}</Typography.Paragraph>
      {operator ? (
        <Form.Item
          name="tenantId"
          label={t('users.tenant')}
          rules={[{ required: true, message: t('errors.codes.tenant_required') }]}
        >
          <TenantSelect data-testid="generate-tenant" />
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
    </FormModal>
  );
}
