// Correct an issued invoice with a credit note (super admin): a reason, and part of the subtotal or
// all of what is left of it. The api answers with the credit note's id; the worker issues it.
import { type ButtonProps, Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../../components/form-error';
import { formatUsd } from '../../../components/formatters';
import { useServerErrors } from '../../../components/server-errors';
import { type Invoice, type InvoiceRequest, useIssueCreditNote } from '../api/invoices-api';

const POSITIVE_USD = /^(0|[1-9]\d{0,6})(\.\d{1,9})?$/;

interface CreditNoteModalProps {
  invoice: Invoice;
  open: boolean;
  onClose: () => void;
  onRequested: (request: InvoiceRequest) => void;
}

export function CreditNoteModal({ invoice, open, onClose, onRequested }: CreditNoteModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string; amountUsd?: string }>();
  const { formError, onError, clear } = useServerErrors(form);
  const issue = useIssueCreditNote(invoice.id);
  return (
    <Modal
      open={open}
      title={t('invoices.creditNoteTitle', { number: invoice.number })}
      okText={t('invoices.issueCreditNote')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'credit-note-save' } as ButtonProps}
      confirmLoading={issue.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      afterClose={() => form.resetFields()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(values) => {
          clear();
          issue.mutate(
            {
              reason: values.reason.trim(),
              ...(values.amountUsd?.trim() ? { amountUsd: values.amountUsd.trim() } : {}),
            },
            { onSuccess: onRequested, onError },
          );
        }}
      >
        <FormError message={formError} />
        <Form.Item
          name="reason"
          label={t('invoices.reason')}
          rules={[{ required: true, whitespace: true, message: t('billing.noteRequired') }]}
        >
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Form.Item
          name="amountUsd"
          label={t('billing.amountUsd')}
          extra={t('invoices.creditAmountHint', { subtotal: formatUsd(invoice.subtotalUsd) })}
          rules={[{ pattern: POSITIVE_USD, message: t('models.usdInvalid') }]}
        >
          <Input prefix="$" inputMode="decimal" placeholder={t('invoices.creditAll')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
