// The amount of money a form moves (a top-up, a correction, a credit note, a code's value): the
// `amountUsd` field, in USD up to 1,000,000, signed only where a correction may take money away.
import { Form } from 'antd';
import type { CSSProperties, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { SIGNED_USD_UP_TO_1M, USD_UP_TO_1M } from './usd-amount';
import { UsdInput } from './usd-input';

interface AmountFieldProps {
  required?: boolean;
  signed?: boolean;
  extra?: ReactNode;
  placeholder?: string;
  style?: CSSProperties;
  'data-testid'?: string;
}

export function AmountField({ required, signed, extra, placeholder, style, ...input }: AmountFieldProps) {
  const { t } = useTranslation();
  return (
    <Form.Item
      name="amountUsd"
      label={t('billing.amountUsd')}
      extra={extra}
      rules={[
        ...(required ? [{ required: true, message: t('common.required') }] : []),
        { pattern: signed ? SIGNED_USD_UP_TO_1M : USD_UP_TO_1M, message: t('models.usdInvalid') },
      ]}
      style={style}
    >
      <UsdInput placeholder={placeholder} {...input} />
    </Form.Item>
  );
}
