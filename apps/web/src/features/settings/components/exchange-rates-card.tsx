// Monthly exchange rates (super admin): how many units of a currency one USD buys, for the invoices
// of that month of tenants billed in it. Saving sends only the rows changed here (one rate each), so
// a rate set meanwhile by a script is not dropped; every change is audited.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../../components/form-error';
import { useServerErrors } from '../../../components/server-errors';
import { type ExchangeRate, type Settings, useSaveExchangeRates } from '../api/settings-api';

type RateRow = ExchangeRate;

export function ExchangeRatesCard({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const update = useSaveExchangeRates();
  const [form] = Form.useForm<{ rates: RateRow[] }>();
  const { formError, onError, clear } = useServerErrors(form);
  // The rows as last loaded or saved: what a save compares the form with.
  const [shown, setShown] = useState<RateRow[]>(settings.exchangeRates);

  return (
    <Card size="small" title={t('settings.rates.title')} style={{ height: '100%' }} data-testid="rates-card">
      <Typography.Paragraph type="secondary">{t('settings.rates.hint')}</Typography.Paragraph>
      <Form<{ rates: RateRow[] }>
        form={form}
        initialValues={{ rates: settings.exchangeRates }}
        onFinish={(values) => {
          clear();
          const edited = (values.rates ?? []).map((row) => ({
            period: row.period.trim(),
            currency: row.currency.trim().toUpperCase(),
            rate: row.rate.trim(),
          }));
          // Each row is saved on its own: a month listed twice would silently keep the later one.
          const twice = edited.findIndex((row, i) =>
            edited.some(
              (other, j) => j < i && other.period === row.period && other.currency === row.currency,
            ),
          );
          if (twice >= 0) {
            const { currency, period } = edited[twice];
            form.setFields([
              {
                name: ['rates', twice, 'currency'],
                errors: [t('settings.rates.twice', { currency, period })],
              },
            ]);
            return;
          }
          update.mutate(
            { shown, edited },
            {
              onSuccess: (saved) => {
                setShown(saved.exchangeRates);
                form.setFieldsValue({ rates: saved.exchangeRates });
                void message.success(t('settings.saved'));
              },
              onError,
            },
          );
        }}
      >
        <FormError message={formError} />
        <Form.List name="rates">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item
                    name={[field.name, 'period']}
                    rules={[
                      {
                        required: true,
                        pattern: /^\d{4}-(0[1-9]|1[0-2])$/,
                        message: t('settings.rates.periodInvalid'),
                      },
                    ]}
                  >
                    <Input placeholder="2026-10" style={{ width: 100 }} data-testid="rate-period" />
                  </Form.Item>
                  <Typography.Text>1 USD =</Typography.Text>
                  <Form.Item
                    name={[field.name, 'rate']}
                    rules={[
                      {
                        required: true,
                        pattern: /^\d{1,7}(\.\d{1,6})?$/,
                        message: t('settings.rates.rateInvalid'),
                      },
                    ]}
                  >
                    <Input placeholder="7.1234" style={{ width: 110 }} data-testid="rate-value" />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'currency']}
                    rules={[
                      {
                        required: true,
                        pattern: /^[A-Za-z]{3}$/,
                        message: t('settings.rates.currencyInvalid'),
                      },
                    ]}
                  >
                    <Input placeholder="CNY" style={{ width: 70 }} data-testid="rate-currency" />
                  </Form.Item>
                  <Button
                    icon={<DeleteOutlined />}
                    onClick={() => remove(field.name)}
                    aria-label={t('common.delete')}
                  />
                </Space>
              ))}
              <div>
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => add({ period: '', currency: 'CNY', rate: '' })}
                  data-testid="rate-add"
                >
                  {t('settings.rates.add')}
                </Button>
              </div>
            </>
          )}
        </Form.List>
        <Button
          type="primary"
          htmlType="submit"
          loading={update.isPending}
          style={{ marginTop: 12 }}
          data-testid="rates-save"
        >
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}
