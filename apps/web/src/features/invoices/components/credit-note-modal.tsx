// Correct an issued invoice with a credit note (super admin): a reason, and part of the subtotal or
// all of what is left of it. The api answers with the credit note's id; the worker issues it.
import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { AmountField } from '../../../components/amount-field';
import { FormModal } from '../../../components/form-modal';
import { formatUsd } from '../../../components/formatters';
import { useServerErrors } from '../../../components/server-errors';
import { useIdempotencyKey } from '../../../hooks/use-idempotency-key';
import { type Invoice, type InvoiceRequest, useIssueCreditNote } from '../api/invoices-api';

interface CreditNoteValues {
  reason: string;
  amountUsd?: string;
}

interface CreditNoteModalProps {
  invoice: Invoice;
  open: boolean;
  onClose: () => void;
  onRequested: (request: InvoiceRequest) => void;
}

export function CreditNoteModal({ invoice, open, onClose, onRequested }: CreditNoteModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CreditNoteValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const issue = useIssueCreditNote(invoice.id);
  const idempotency = useIdempotencyKey(open);
  return (
    <FormModal<CreditNoteValues>
      form={form}
      open={open}
      title={t('invoices.creditNoteTitle', { number: invoice.number })}
      okText={t('invoices.issueCreditNote')}
      okTestId="credit-note-save"
      saving={issue.isPending}
      formError={formError}
      onClose={onClose}
      onFinish={(values) => {
        clear();
        issue.mutate(
          {
            reason: values.reason.trim(),
            ...(values.amountUsd?.trim() ? { amountUsd: values.amountUsd.trim() } : {}),
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
      <Form.Item
        name="reason"
        label={t('invoices.reason')}
        rules={[{ required: true, whitespace: true, message: t('billing.noteRequired') }]}
      >
        <Input.TextArea rows={2} maxLength={500} />
      </Form.Item>
      <AmountField
        extra={t('invoices.creditAmountHint', { subtotal: formatUsd(invoice.subtotalUsd) })}
        placeholder={t('invoices.creditAll')}
      />
    </FormModal>
  );
}
