// What an accountant needs beside the lines: issuer and customer as they were at issue, the due
// date and payment status, the amounts in the billed currency at the stated rate, the payments
// received, and whether the invoice reached the customer by email.
import { Card, Col, Descriptions, Flex, Row, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatUsd } from '../../../components/formatters';
import type { Invoice, InvoiceSettlement } from '../api/invoices-api';
import { InvoiceStatusTag } from './invoice-status-tag';

const DELIVERY_COLORS = {
  pending: 'processing',
  sent: 'success',
  failed: 'error',
  skipped: 'default',
} as const;

const lines = (values: (string | null | undefined)[]) => (
  <Flex vertical>
    {values.filter(Boolean).map((value, i) => (
      <span key={i} style={{ whiteSpace: 'pre-line' }}>
        {value}
      </span>
    ))}
  </Flex>
);

export function InvoiceAccountingCard({ invoice }: { invoice: Invoice }) {
  const { t } = useTranslation();
  const { issuer, customer, converted, delivery } = invoice;
  return (
    <Card size="small" title={t('invoices.accounting')} data-testid="invoice-accounting">
      <Row gutter={[16, 16]}>
        <Col xs={24} md={12}>
          <Descriptions
            column={1}
            size="small"
            items={[
              {
                key: 'status',
                label: t('invoices.status'),
                children: <InvoiceStatusTag status={invoice.status} />,
              },
              { key: 'due', label: t('invoices.dueAt'), children: formatDateTime(invoice.dueAt) },
              ...(invoice.kind === 'invoice'
                ? [
                    {
                      key: 'amountDue',
                      label: t('invoices.amountDue'),
                      children: formatUsd(invoice.roundedUsd.amountDue),
                    },
                    { key: 'paid', label: t('invoices.paid'), children: formatUsd(invoice.roundedUsd.paid) },
                    {
                      key: 'balance',
                      label: t('invoices.balanceDue'),
                      children: (
                        <Typography.Text strong data-testid="invoice-balance-due">
                          {formatUsd(invoice.roundedUsd.balanceDue)}
                        </Typography.Text>
                      ),
                    },
                  ]
                : []),
              {
                key: 'delivery',
                label: t('invoices.delivery'),
                children: delivery ? (
                  <span data-testid="invoice-delivery">
                    <Tag color={DELIVERY_COLORS[delivery.status]}>
                      {t(`invoices.deliveryStatuses.${delivery.status}`)}
                    </Tag>
                    {delivery.recipient ?? ''}
                    {delivery.lastError ? (
                      <Typography.Text type="secondary">
                        {' — '}
                        {delivery.skipReason
                          ? t(`invoices.skipReasons.${delivery.skipReason}`)
                          : delivery.lastError}
                      </Typography.Text>
                    ) : null}
                  </span>
                ) : (
                  '—'
                ),
              },
            ]}
          />
        </Col>
        <Col xs={24} md={12}>
          <Descriptions
            column={1}
            size="small"
            items={[
              {
                key: 'issuer',
                label: t('invoices.issuer'),
                children: issuer
                  ? lines([
                      issuer.legalName,
                      issuer.address,
                      issuer.taxId && `${t('invoices.taxId')}: ${issuer.taxId}`,
                    ])
                  : '—',
              },
              {
                key: 'customer',
                label: t('invoices.customer'),
                children: customer
                  ? lines([
                      customer.legalName,
                      customer.address,
                      customer.country,
                      customer.taxId && `${t('invoices.taxId')}: ${customer.taxId}`,
                      customer.email,
                    ])
                  : invoice.billingName,
              },
            ]}
          />
        </Col>
        {converted ? (
          <Col xs={24}>
            <Descriptions
              column={{ xs: 1, md: 4 }}
              size="small"
              bordered
              data-testid="invoice-converted"
              items={[
                {
                  key: 'rate',
                  label: t('invoices.exchangeRate'),
                  children: `1 USD = ${invoice.exchangeRate} ${invoice.currency} (${invoice.exchangeRatePeriod})`,
                },
                {
                  key: 'subtotal',
                  label: t('invoices.subtotal'),
                  children: `${converted.subtotal} ${converted.currency}`,
                },
                {
                  key: 'tax',
                  label: t('invoices.taxShort'),
                  children: `${converted.tax} ${converted.currency}`,
                },
                {
                  key: 'total',
                  label: t('invoices.total'),
                  children: (
                    <Typography.Text strong>{`${converted.total} ${converted.currency}`}</Typography.Text>
                  ),
                },
              ]}
            />
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
              {converted.rule === 'share_of_invoice'
                ? t('invoices.creditRoundingRule')
                : t('invoices.roundingRule')}
            </Typography.Paragraph>
          </Col>
        ) : null}
        {invoice.kind === 'invoice' ? (
          <Col xs={24}>
            <Typography.Text strong>{t('invoices.paymentsReceived')}</Typography.Text>
            <Table<InvoiceSettlement>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={invoice.settlements}
              locale={{ emptyText: t('invoices.noPaymentsReceived') }}
              data-testid="invoice-settlements"
              columns={[
                {
                  title: t('invoices.paidAt'),
                  key: 'paidAt',
                  render: (_, row) => formatDateTime(row.paidAt),
                },
                { title: t('invoices.reference'), key: 'reference', render: (_, row) => row.reference },
                {
                  title: t('invoices.source'),
                  key: 'source',
                  render: (_, row) => t(`invoices.sources.${row.source}`),
                },
                {
                  title: t('billing.amountUsd'),
                  key: 'amount',
                  align: 'right',
                  render: (_, row) =>
                    row.reversedUsd === '0' ? (
                      formatUsd(row.amountUsd)
                    ) : (
                      // A refund or dispute took (part of) it back: the invoice counts only what stands.
                      <Flex vertical align="flex-end">
                        <span>{formatUsd(row.amountUsd)}</span>
                        <Typography.Text type="warning" data-testid="settlement-reversed">
                          {t('invoices.reversed', { amount: formatUsd(row.reversedUsd) })}
                        </Typography.Text>
                      </Flex>
                    ),
                },
              ]}
            />
          </Col>
        ) : null}
      </Row>
    </Card>
  );
}
