// Credit a tenant: a top-up (money received) or an adjustment (a signed correction with a reason).
import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { AmountField } from '../../../components/amount-field';
import { FormModal } from '../../../components/form-modal';
import { useServerErrors } from '../../../components/server-errors';
import { useIdempotencyKey } from '../../../hooks/use-idempotency-key';
import { type CreditKind, type LedgerEntry, useCredit } from '../api/billing-api';

interface CreditValues {
  amountUsd: string;
  note?: string;
}

interface CreditModalProps {
  tenantId: string;
  kind: CreditKind | null;
  onClose: () => void;
  onDone: (entry: LedgerEntry) => void;
}

export function CreditModal({ tenantId, kind, onClose, onDone }: CreditModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CreditValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const credit = useCredit(tenantId);
  const adjustment = kind === 'adjustment';
  const idempotency = useIdempotencyKey(kind !== null);

  return (
    <FormModal<CreditValues>
      form={form}
      open={kind !== null}
      title={adjustment ? t('billing.adjustTitle') : t('billing.topupTitle')}
      okText={adjustment ? t('billing.adjust') : t('billing.topup')}
      okTestId="credit-save"
      saving={credit.isPending}
      formError={formError}
      onClose={onClose}
      onFinish={(values) => {
        clear();
        if (!kind) return;
        credit.mutate(
          {
            kind,
            amountUsd: values.amountUsd.trim(),
            note: values.note?.trim() || undefined,
            idempotencyKey: idempotency.key,
          },
          {
            onSuccess: onDone,
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
        signed={adjustment}
        extra={adjustment ? t('billing.adjustHint') : undefined}
        data-testid="credit-amount"
      />
      <Form.Item
        name="note"
        label={t('billing.note')}
        rules={adjustment ? [{ required: true, whitespace: true, message: t('billing.noteRequired') }] : []}
      >
        <Input
          placeholder={adjustment ? t('billing.adjustNotePlaceholder') : t('billing.topupNotePlaceholder')}
        />
      </Form.Item>
    </FormModal>
  );
}
