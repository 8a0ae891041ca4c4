// One invoice or credit note: who it is for, the period, its lines (usage per model, what was written
// off beyond the holds, plan fee, what the plan included), subtotal, tax and total to the cent as the
// invoice states them (roundedUsd), the payments of the period, and the PDF. Opened right after a
// generate request it waits for the worker to issue it.
import {
  ArrowLeftOutlined,
  CreditCardOutlined,
  DollarOutlined,
  DownloadOutlined,
  MailOutlined,
  RollbackOutlined,
} from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Result,
  Row,
  Skeleton,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../api/api-error';
import { canPayOnline, isPlatformAdmin } from '../auth/roles';
import { useCurrentUser } from '../auth/session';
import { describeError, ErrorAlert } from '../components/error-alert';
import {
  formatDateTime,
  formatNumber,
  formatPercent,
  formatPeriod,
  formatUsd,
} from '../components/formatters';
import { PageHeader } from '../components/page-header';
import {
  type InvoiceLine,
  type InvoicePayment,
  invoicePdfUrl,
  useInvoice,
  useResendInvoice,
} from '../features/invoices/api/invoices-api';
import { ledgerNote } from '../features/billing/ledger-note';
import { CreditNoteModal } from '../features/invoices/components/credit-note-modal';
import { InvoiceAccountingCard } from '../features/invoices/components/invoice-accounting-card';
import { RecordPaymentModal } from '../features/invoices/components/record-payment-modal';
import { InvoiceKindTag } from '../features/invoices/components/invoice-kind-tag';
import { InvoiceStatusTag } from '../features/invoices/components/invoice-status-tag';
import { usePaymentOptions } from '../features/payments/api/payments-api';
import { PayInvoiceOnlineModal } from '../features/payments/components/pay-invoice-online-modal';
import { useTenantOptions } from '../features/tenants/api/tenants-api';

const tokens = (value: string | null) => (value === null ? '—' : formatNumber(Number(value)));
const TOKEN_COLUMNS = [
  { field: 'inputTokens', key: 'input' },
  { field: 'cachedTokens', key: 'cached' },
  { field: 'cacheWriteTokens', key: 'cacheWrite' },
  { field: 'outputTokens', key: 'output' },
] as const;

export function InvoiceDetailPage() {
  const { t } = useTranslation();
  const { id } = useParams<{ id: string }>();
  const user = useCurrentUser();
  const invoice = useInvoice(id);
  const navigate = useNavigate();
  const [crediting, setCrediting] = useState(false);
  const [paying, setPaying] = useState(false);
  const [payingOnline, setPayingOnline] = useState(false);
  const payOnline = canPayOnline(user.role);
  const paymentOptions = usePaymentOptions(payOnline);
  const resend = useResendInvoice(id ?? '');
  const { message } = App.useApp();
  const tenants = useTenantOptions(isPlatformAdmin(user.role));
  const back = (
    <Link to="/invoices">
      <ArrowLeftOutlined /> {t('invoices.back')}
    </Link>
  );

  if (invoice.isPending) {
    // A just-requested invoice answers 404 until the worker issues it: the query retries meanwhile.
    return (
      <>
        {back}
        <Flex vertical align="center" gap={12} style={{ padding: 48 }} data-testid="invoice-waiting">
          <Spin />
          <Typography.Text type="secondary">{t('invoices.waiting')}</Typography.Text>
        </Flex>
        <Skeleton active />
      </>
    );
  }
  if (invoice.isError) {
    if (isApiError(invoice.error) && invoice.error.status === 404) {
      return <Result status="404" title={t('invoices.notFound')} extra={back} />;
    }
    return (
      <>
        {back}
        <ErrorAlert error={invoice.error} onRetry={() => void invoice.refetch()} />
      </>
    );
  }
  const data = invoice.data;
  const onlineWays = paymentOptions.data?.providers ?? [];
  const payableOnline =
    payOnline && data.kind === 'invoice' && data.status === 'open' && onlineWays.length > 0;

  const lineColumns = [
    {
      title: t('invoices.line'),
      key: 'description',
      render: (_: unknown, line: InvoiceLine) => (
        <Flex vertical>
          <span>{line.description}</span>
          {line.unitPrices ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('invoices.unitPrices', {
                input: formatUsd(line.unitPrices.inputPer1M),
                cached: formatUsd(line.unitPrices.cachedPer1M),
                output: formatUsd(line.unitPrices.outputPer1M),
                perRequest: formatUsd(line.unitPrices.perRequest),
              })}
            </Typography.Text>
          ) : null}
          {line.kind !== 'usage' ? (
            <Typography.Text type="secondary">{t(`invoices.lineKinds.${line.kind}`)}</Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t('invoices.requests'),
      key: 'requests',
      align: 'right' as const,
      render: (_: unknown, line: InvoiceLine) => formatNumber(line.requests),
    },
    ...TOKEN_COLUMNS.map(({ field, key }) => ({
      title: t(`invoices.${field}`),
      key,
      align: 'right' as const,
      render: (_: unknown, line: InvoiceLine) => tokens(line[field]),
    })),
    {
      title: t('billing.amountUsd'),
      key: 'amount',
      align: 'right' as const,
      // To the cent, as the invoice states it; the exact amount on hover.
      render: (_: unknown, line: InvoiceLine, i: number) => (
        <span title={line.amountUsd}>{formatUsd(data.roundedUsd.lines[i] ?? line.amountUsd)}</span>
      ),
    },
  ];

  const paymentColumns = [
    {
      title: t('billing.time'),
      key: 'date',
      render: (_: unknown, p: InvoicePayment) => formatDateTime(p.date),
    },
    {
      title: t('billing.kind'),
      key: 'kind',
      render: (_: unknown, p: InvoicePayment) => <Tag>{paymentKind(t, p.kind)}</Tag>,
    },
    {
      title: t('billing.note'),
      key: 'note',
      render: (_: unknown, p: InvoicePayment) => ledgerNote(t, p.note) ?? '—',
    },
    {
      title: t('billing.amountUsd'),
      key: 'amount',
      align: 'right' as const,
      render: (_: unknown, p: InvoicePayment) => formatUsd(p.amountUsd),
    },
  ];

  return (
    <>
      {back}
      <PageHeader
        title={
          data.kind === 'credit_note'
            ? t('invoices.creditNoteTitleOf', { number: data.number })
            : t('invoices.titleOf', { number: data.number })
        }
        subtitle={
          <Flex gap={8} align="center" component="span">
            <InvoiceKindTag kind={data.kind} />
            {t('invoices.forPeriod', { period: data.period })}
          </Flex>
        }
        extra={
          <>
            {payableOnline ? (
              <Button
                type="primary"
                icon={<CreditCardOutlined />}
                onClick={() => setPayingOnline(true)}
                data-testid="pay-online"
              >
                {t('payments.payOnline')}
              </Button>
            ) : null}
            {isPlatformAdmin(user.role) &&
            (data.delivery?.status === 'skipped' || data.delivery?.status === 'failed') ? (
              <Button
                icon={<MailOutlined />}
                loading={resend.isPending}
                onClick={() =>
                  resend.mutate(undefined, {
                    onSuccess: () => void message.success(t('invoices.resendQueued')),
                    onError: (error) => void message.error(describeError(t, error)),
                  })
                }
                data-testid="send-again"
              >
                {t('invoices.sendAgain')}
              </Button>
            ) : null}
            {isPlatformAdmin(user.role) && data.kind === 'invoice' && data.status === 'open' ? (
              <Button icon={<DollarOutlined />} onClick={() => setPaying(true)} data-testid="record-payment">
                {t('invoices.recordPayment')}
              </Button>
            ) : null}
            {isPlatformAdmin(user.role) && data.kind === 'invoice' ? (
              <Button
                icon={<RollbackOutlined />}
                onClick={() => setCrediting(true)}
                data-testid="credit-note"
              >
                {t('invoices.issueCreditNote')}
              </Button>
            ) : null}
            {data.pdfReady ? (
              <Button
                type="primary"
                icon={<DownloadOutlined />}
                href={invoicePdfUrl(data.id)}
                download
                data-testid="invoice-pdf"
              >
                {t('invoices.downloadPdf')}
              </Button>
            ) : (
              <Button icon={<DownloadOutlined />} disabled loading data-testid="invoice-pdf-pending">
                {t('invoices.pdfPending')}
              </Button>
            )}
          </>
        }
      />
      <Flex vertical gap={16}>
        <Card size="small">
          <Descriptions
            column={{ xs: 1, md: 3 }}
            size="small"
            items={[
              { key: 'to', label: t('invoices.billedTo'), children: data.billingName },
              { key: 'email', label: t('tenants.billingEmail'), children: data.billingEmail ?? '—' },
              { key: 'issued', label: t('invoices.issuedAt'), children: formatDateTime(data.issuedAt) },
              {
                key: 'period',
                label: t('invoices.period'),
                children: formatPeriod(data.periodStart, data.periodEnd, data.timezone),
              },
              { key: 'tz', label: t('tenants.timezone'), children: data.timezone },
              { key: 'currency', label: t('invoices.currency'), children: data.currency },
              {
                key: 'status',
                label: t('invoices.status'),
                children: <InvoiceStatusTag status={data.status} />,
              },
              ...(data.creditNoteOf
                ? [
                    {
                      key: 'corrects',
                      label: t('invoices.corrects'),
                      children: (
                        <Link to={`/invoices/${data.creditNoteOf}`}>{t('invoices.originalInvoice')}</Link>
                      ),
                    },
                  ]
                : []),
              ...(data.reason ? [{ key: 'reason', label: t('invoices.reason'), children: data.reason }] : []),
              ...(isPlatformAdmin(user.role)
                ? [
                    {
                      key: 'tenant',
                      label: t('users.tenant'),
                      children: tenants.data?.items.find((tenant) => tenant.id === data.tenantId)?.name ?? (
                        <Typography.Text code>{data.tenantId}</Typography.Text>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </Card>
        <InvoiceAccountingCard invoice={data} />
        <Card size="small" title={t('invoices.lines')}>
          <Table<InvoiceLine>
            rowKey={(line) => `${line.kind}:${line.description}:${line.model ?? ''}`}
            size="small"
            columns={lineColumns}
            dataSource={data.lines}
            pagination={false}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: t('invoices.noLines') }}
            data-testid="invoice-lines"
          />
          <Row justify="end" style={{ marginTop: 16 }}>
            <Col xs={24} md={10} lg={8}>
              <Descriptions
                column={1}
                size="small"
                bordered
                data-testid="invoice-totals"
                items={[
                  {
                    key: 'subtotal',
                    label: t('invoices.subtotal'),
                    children: formatUsd(data.roundedUsd.subtotal),
                  },
                  {
                    key: 'tax',
                    label: t('invoices.tax', { rate: formatPercent(Number(data.taxRate)) }),
                    children: formatUsd(data.roundedUsd.tax),
                  },
                  {
                    key: 'total',
                    label: <Typography.Text strong>{t('invoices.total')}</Typography.Text>,
                    children: (
                      <Typography.Text strong data-testid="invoice-total">
                        {formatUsd(data.roundedUsd.total)}
                      </Typography.Text>
                    ),
                  },
                ]}
              />
              <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
                {data.roundedUsd.rule === 'share_of_invoice'
                  ? t('invoices.creditRoundingRule')
                  : t('invoices.usdRoundingRule')}
              </Typography.Paragraph>
            </Col>
          </Row>
        </Card>
        {data.kind === 'credit_note' ? null : (
          <Card size="small" title={t('invoices.payments')}>
            <Typography.Paragraph type="secondary">{t('invoices.paymentsHint')}</Typography.Paragraph>
            <Table<InvoicePayment>
              rowKey="ledgerEntryId"
              size="small"
              columns={paymentColumns}
              dataSource={data.payments}
              pagination={false}
              locale={{ emptyText: t('invoices.noPayments') }}
              data-testid="invoice-payments"
            />
          </Card>
        )}
      </Flex>
      <RecordPaymentModal invoice={data} open={paying} onClose={() => setPaying(false)} />
      {payableOnline ? (
        <PayInvoiceOnlineModal
          invoice={data}
          options={onlineWays}
          open={payingOnline}
          onClose={() => setPayingOnline(false)}
        />
      ) : null}
      <CreditNoteModal
        invoice={data}
        open={crediting}
        onClose={() => setCrediting(false)}
        onRequested={(request) => {
          setCrediting(false);
          void navigate(`/invoices/${request.id}`);
        }}
      />
    </>
  );
}

/** The ledger kind of a payment in the UI's words (the billing page's), or as the api sent it. */
function paymentKind(t: TFunction, kind: string): string {
  const known = ['topup', 'redemption', 'adjustment', 'refund'] as const;
  return (known as readonly string[]).includes(kind)
    ? t(`billing.kinds.${kind as (typeof known)[number]}`)
    : kind;
}
