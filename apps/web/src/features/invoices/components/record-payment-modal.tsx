// Record a payment received for an invoice outside the gateway (super admin): the amount, the
// bank's reference and the day it arrived. The invoice's status follows.
import { DatePicker, Form, Input } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { AmountField } from '../../../components/amount-field';
import { FormModal } from '../../../components/form-modal';
import { formatUsd } from '../../../components/formatters';
import { useServerErrors } from '../../../components/server-errors';
import { useIdempotencyKey } from '../../../hooks/use-idempotency-key';
import { type Invoice, useRecordPayment } from '../api/invoices-api';

interface PaymentValues {
  amountUsd: string;
  reference: string;
  paidAt?: Dayjs;
}

interface RecordPaymentModalProps {
  invoice: Invoice;
  open: boolean;
  onClose: () => void;
}

export function RecordPaymentModal({ invoice, open, onClose }: RecordPaymentModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<PaymentValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const record = useRecordPayment(invoice.id);
  const idempotency = useIdempotencyKey(open);
  return (
    <FormModal<PaymentValues>
      form={form}
      open={open}
      title={t('invoices.recordPaymentTitle', { number: invoice.number })}
      okText={t('invoices.recordPayment')}
      okTestId="record-payment-save"
      saving={record.isPending}
      formError={formError}
      onClose={onClose}
      onFinish={(values) => {
        clear();
        record.mutate(
          {
            amountUsd: values.amountUsd.trim(),
            reference: values.reference.trim(),
            ...(values.paidAt ? { paidAt: values.paidAt.toISOString() } : {}),
            idempotencyKey: idempotency.key,
          },
          {
            onSuccess: () => {
              form.resetFields();
              onClose();
            },
            onError: (error) => {
              idempotency.failed(error);
              onError(error);
            },
          },
        );
      }}
    >
      <AmountField
        required
        extra={t('invoices.balanceDueHint', { amount: formatUsd(invoice.balanceDueUsd) })}
      />
      <Form.Item
        name="reference"
        label={t('invoices.reference')}
        rules={[{ required: true, whitespace: true, message: t('common.required') }]}
      >
        <Input
          maxLength={200}
          placeholder={t('invoices.referencePlaceholder')}
          data-testid="payment-reference"
        />
      </Form.Item>
      <Form.Item name="paidAt" label={t('invoices.paidAt')}>
        <DatePicker showTime />
      </Form.Item>
    </FormModal>
  );
}
