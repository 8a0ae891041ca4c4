// Invoices: a tenant's issued monthly invoices and credit notes, newest first, filtered by month (and
// by tenant for a super admin); open one, download its PDF, or issue a closed month's invoice now.
import { DownloadOutlined, FileAddOutlined } from '@ant-design/icons';
import { Button, DatePicker, Flex, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { isPlatformAdmin } from '../auth/roles';
import { useCurrentUser } from '../auth/session';
import { formatDateTime, formatUsd } from '../components/formatters';
import { PageHeader } from '../components/page-header';
import { QueryTable } from '../components/query-table';
import {
  type Invoice,
  invoicePdfUrl,
  invoicesCsvUrl,
  useInvoices,
} from '../features/invoices/api/invoices-api';
import { InvoiceStatusTag } from '../features/invoices/components/invoice-status-tag';
import { BillingProfileCard } from '../features/tenants/components/billing-profile-card';
import { GenerateInvoiceModal } from '../features/invoices/components/generate-invoice-modal';
import { InvoiceKindTag } from '../features/invoices/components/invoice-kind-tag';
import { useTenantName } from '../features/tenants/api/tenants-api';
import { TenantSelect } from '../features/tenants/components/tenant-select';
import { usePageParams } from '../hooks/use-page-params';

const PERIOD = 'YYYY-MM';

export function InvoicesPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const user = useCurrentUser();
  const operator = isPlatformAdmin(user.role);
  const { page, pageSize, search, setFilter, pagination } = usePageParams();
  const tenantId = operator ? (search.get('tenantId') ?? undefined) : undefined;
  const period = search.get('period') ?? undefined;
  const invoices = useInvoices(page, pageSize, { tenantId, period });
  const [generating, setGenerating] = useState(false);
  const tenantName = useTenantName(operator);
  // Whose billing profile to show: the user's own tenant, or the one a super admin filtered by.
  const profileTenant = operator ? tenantId : (user.tenantId ?? undefined);

  const columns: ColumnsType<Invoice> = [
    {
      title: t('invoices.number'),
      key: 'number',
      render: (_, invoice) => (
        <Link to={`/invoices/${invoice.id}`} data-testid={`invoice-${invoice.number}`}>
          <Typography.Text code>{invoice.number}</Typography.Text>
        </Link>
      ),
    },
    {
      title: t('invoices.kind'),
      key: 'kind',
      render: (_, invoice) => <InvoiceKindTag kind={invoice.kind} />,
    },
    ...(operator
      ? [
          {
            title: t('users.tenant'),
            key: 'tenant',
            render: (_: unknown, invoice: Invoice) => tenantName(invoice.tenantId),
          },
        ]
      : []),
    { title: t('invoices.period'), key: 'period', render: (_, invoice) => invoice.period },
    {
      title: t('invoices.status'),
      key: 'status',
      render: (_, invoice) => <InvoiceStatusTag status={invoice.status} />,
    },
    {
      title: t('invoices.dueAt'),
      key: 'due',
      render: (_, invoice) => (invoice.dueAt ? formatDateTime(invoice.dueAt) : '—'),
    },
    {
      title: t('invoices.total'),
      key: 'total',
      align: 'right',
      render: (_, invoice) => (
        <Flex vertical align="end">
          <Typography.Text strong>{formatUsd(invoice.totalUsd)}</Typography.Text>
          {invoice.converted ? (
            <Typography.Text type="secondary">{`${invoice.converted.total} ${invoice.currency}`}</Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t('invoices.delivery'),
      key: 'delivery',
      render: (_, invoice) =>
        invoice.delivery ? t(`invoices.deliveryStatuses.${invoice.delivery.status}`) : '—',
    },
    {
      title: t('invoices.issuedAt'),
      key: 'issued',
      render: (_, invoice) => formatDateTime(invoice.issuedAt),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, invoice) => (
        <Flex gap={4}>
          <Button size="small" onClick={() => void navigate(`/invoices/${invoice.id}`)}>
            {t('common.open')}
          </Button>
          {invoice.pdfReady ? (
            <Button
              size="small"
              icon={<DownloadOutlined />}
              href={invoicePdfUrl(invoice.id)}
              download
              data-testid="invoice-row-pdf"
            >
              {t('invoices.pdf')}
            </Button>
          ) : (
            <Tag>{t('invoices.pdfPending')}</Tag>
          )}
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.invoices')}
        subtitle={t('invoices.subtitle')}
        extra={
          <Button
            type="primary"
            icon={<FileAddOutlined />}
            onClick={() => setGenerating(true)}
            data-testid="generate-invoice"
          >
            {t('invoices.generate')}
          </Button>
        }
      />
      <Flex gap={8} wrap style={{ marginBottom: 16 }}>
        {operator ? (
          <TenantSelect
            allowClear
            placeholder={t('invoices.allTenants')}
            value={tenantId}
            onChange={(value?: string) => setFilter('tenantId', value)}
            style={{ width: 240 }}
            data-testid="invoices-tenant"
          />
        ) : null}
        <DatePicker
          picker="month"
          placeholder={t('invoices.anyPeriod')}
          value={period ? dayjs(period, PERIOD) : null}
          onChange={(value) => setFilter('period', value ? value.format(PERIOD) : undefined)}
          data-testid="invoices-period"
        />
        <Tooltip title={period ? undefined : t('invoices.csvNeedsPeriod')}>
          <Button
            icon={<DownloadOutlined />}
            disabled={!period}
            href={period ? invoicesCsvUrl(period, tenantId) : undefined}
            download
            data-testid="invoices-csv"
          >
            {t('invoices.csv')}
          </Button>
        </Tooltip>
      </Flex>
      {profileTenant ? <BillingProfileCard tenantId={profileTenant} /> : null}
      <QueryTable<Invoice>
        query={invoices}
        pagination={pagination}
        rowKey="id"
        columns={columns}
        locale={{ emptyText: t('invoices.empty') }}
        data-testid="invoices-table"
      />
      <GenerateInvoiceModal
        open={generating}
        tenantId={tenantId}
        onClose={() => setGenerating(false)}
        onRequested={(request) => {
          setGenerating(false);
          void navigate(`/invoices/${request.id}`);
        }}
      />
    </>
  );
}
