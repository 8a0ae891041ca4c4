// A tenant's owner or finance user pays an open invoice online: what is left to pay (or part of it),
// a way to pay, then off to the provider. The money pays the invoice, not the prepaid balance.
import { Form, Radio, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { AmountField } from '../../../components/amount-field';
import { FormModal } from '../../../components/form-modal';
import { formatUsd } from '../../../components/formatters';
import { useServerErrors } from '../../../components/server-errors';
import { useIdempotencyKey } from '../../../hooks/use-idempotency-key';
import { type PaymentOption, useCreateTopupOrder } from '../api/payments-api';
import { chargePreview, invoiceChargePreview } from '../charge-preview';
import { type Way, ways } from '../payment-ways';

interface PayValues {
  amountUsd: string;
  way: Way;
}

interface PayInvoiceOnlineModalProps {
  invoice: {
    id: string;
    tenantId: string;
    number: string;
    amountDueUsd: string;
    balanceDueUsd: string;
    exchangeRate: string | null;
    converted: { currency: string; amountDue: string } | null;
  };
  options: PaymentOption[];
  open: boolean;
  onClose: () => void;
}

export function PayInvoiceOnlineModal({ invoice, options, open, onClose }: PayInvoiceOnlineModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<PayValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const create = useCreateTopupOrder(invoice.tenantId);
  const idempotency = useIdempotencyKey(open);
  const available = ways(options);
  const amountUsd = Form.useWatch('amountUsd', form) ?? '';
  const chosen = Form.useWatch('way', form);
  const selected = available.find((entry) => entry.way === chosen);
  // Paid in the invoice's own currency it costs what the invoice states there, at the invoice's rate.
  const converted =
    selected && invoice.converted?.currency.toLowerCase() === selected.option.currency
      ? invoice.converted
      : null;
  const rate = converted ? invoice.exchangeRate : selected?.option.usdRate;
  const preview = !selected
    ? null
    : converted
      ? invoiceChargePreview(amountUsd.trim(), {
          currency: converted.currency,
          amountDue: converted.amountDue,
          amountDueUsd: invoice.amountDueUsd,
          balanceDueUsd: invoice.balanceDueUsd,
        })
      : chargePreview(amountUsd.trim(), selected.option.usdRate, selected.option.currency);
  return (
    <FormModal<PayValues>
      form={form}
      open={open}
      title={t('payments.payInvoiceTitle', { number: invoice.number })}
      okText={t('payments.pay')}
      okTestId="pay-online-submit"
      saving={create.isPending}
      formError={formError}
      onClose={onClose}
      initialValues={{ amountUsd: invoice.balanceDueUsd }}
      onFinish={(values) => {
        clear();
        const entry = available.find((candidate) => candidate.way === values.way);
        if (!entry) return;
        create.mutate(
          {
            amountUsd: values.amountUsd.trim(),
            provider: entry.option.provider,
            invoiceId: invoice.id,
            ...(entry.method ? { method: entry.method } : {}),
            idempotencyKey: idempotency.key,
          },
          {
            onSuccess: (order) => {
              if (order.payUrl) window.location.assign(order.payUrl);
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
        data-testid="pay-online-amount"
      />
      <Form.Item
        name="way"
        label={t('payments.payWith')}
        rules={[{ required: true, message: t('payments.chooseWay') }]}
      >
        <Radio.Group
          optionType="button"
          options={available.map(({ way, name }) => ({ value: way, label: t(`payments.ways.${name}`) }))}
          data-testid="pay-online-way"
        />
      </Form.Item>
      <Typography.Text type="secondary" data-testid="pay-online-preview">
        {selected && preview
          ? t('payments.invoicePreview', {
              charge: `${preview} ${selected.option.currency.toUpperCase()}`,
              rate,
              currency: selected.option.currency.toUpperCase(),
            })
          : t('payments.previewEmpty')}
      </Typography.Text>
    </FormModal>
  );
}
