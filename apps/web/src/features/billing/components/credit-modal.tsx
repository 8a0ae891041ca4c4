// Credit a tenant: a top-up (money received) or an adjustment (a signed correction with a reason).
import { type ButtonProps, Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../../components/form-error';
import { useServerErrors } from '../../../components/server-errors';
import { type CreditKind, type LedgerEntry, useCredit } from '../api/billing-api';

const POSITIVE_USD = /^(0|[1-9]\d{0,6})(\.\d{1,9})?$/;
const SIGNED_USD = /^-?(0|[1-9]\d{0,6})(\.\d{1,9})?$/;

interface CreditModalProps {
  tenantId: string;
  kind: CreditKind | null;
  onClose: () => void;
  onDone: (entry: LedgerEntry) => void;
}

export function CreditModal({ tenantId, kind, onClose, onDone }: CreditModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ amountUsd: string; note?: string }>();
  const { formError, onError, clear } = useServerErrors(form);
  const credit = useCredit(tenantId);
  const adjustment = kind === 'adjustment';

  return (
    <Modal
      open={kind !== null}
      title={adjustment ? t('billing.adjustTitle') : t('billing.topupTitle')}
      okText={adjustment ? t('billing.adjust') : t('billing.topup')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'credit-save' } as ButtonProps}
      confirmLoading={credit.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(values) => {
          clear();
          if (!kind) return;
          credit.mutate(
            { kind, amountUsd: values.amountUsd.trim(), note: values.note?.trim() || undefined },
            { onSuccess: onDone, onError },
          );
        }}
      >
        <FormError message={formError} />
        <Form.Item
          name="amountUsd"
          label={t('billing.amountUsd')}
          extra={adjustment ? t('billing.adjustHint') : undefined}
          rules={[
            { required: true, message: t('common.required') },
            { pattern: adjustment ? SIGNED_USD : POSITIVE_USD, message: t('models.usdInvalid') },
          ]}
        >
          <Input prefix="$" inputMode="decimal" data-testid="credit-amount" />
        </Form.Item>
        <Form.Item
          name="note"
          label={t('billing.note')}
          rules={adjustment ? [{ required: true, whitespace: true, message: t('billing.noteRequired') }] : []}
        >
          <Input
            placeholder={adjustment ? t('billing.adjustNotePlaceholder') : t('billing.topupNotePlaceholder')}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
