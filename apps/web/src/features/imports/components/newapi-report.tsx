// What a NewAPI import did (or, in a dry run, would do): counts per kind, the prices set, the rows
// skipped and why, every amount converted to USD, and what was adapted or not imported at all.
import { Alert, Descriptions, Flex, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatUsd } from '../../../components/formatters';
import type { KindReport, NewApiReport as Report } from '../api/imports-api';

const KINDS = ['channels', 'users', 'tokens', 'redemptionCodes'] as const;
type Kind = (typeof KINDS)[number];

const GROUP_COLOR: Record<Report['groups'][number]['outcome'], string> = {
  set: 'blue',
  unchanged: 'blue',
  kept: 'orange',
  skipped: 'default',
};

export function NewApiReport({ report }: { report: Report }) {
  const { t } = useTranslation();
  const counts = KINDS.map((kind) => ({ kind, ...report[kind] }));
  const skipped = KINDS.flatMap((kind) =>
    report[kind].skipped.map((row) => ({ ...row, kind, key: `${kind}:${row.sourceId}` })),
  );
  // What a re-run left as an operator set it here since the last import (prices, group multipliers).
  const kept = [
    ...(report.prices?.kept ?? []).map((row) => `${row.model}: ${row.reason}`),
    ...report.groups
      .filter((row) => row.outcome === 'kept')
      .map((row) => `${row.group}: ${row.reason ?? ''}`),
  ];
  const notes = [...kept, ...KINDS.flatMap((kind) => report[kind].notes)];
  // The models whose price the run set, or in a dry run would set (null: the source saved no ratios).
  const pricedNow = report.prices
    ? report.dryRun
      ? (report.prices.wouldSet ?? [])
      : report.prices.set.map((price) => price.model)
    : null;
  const count = (value: number) => (value > 0 ? <strong>{value}</strong> : value);

  return (
    <Flex vertical gap={16} data-testid={report.dryRun ? 'newapi-dry-run-report' : 'newapi-result'}>
      <Descriptions size="small" column={{ xs: 1, md: 3 }} bordered>
        <Descriptions.Item label={t('imports.report.dialect')}>{report.dialect}</Descriptions.Item>
        <Descriptions.Item label={t('imports.report.quotaPerUnit')}>
          {t('imports.report.quotaPerUnitValue', { units: report.quotaPerUnit })}
        </Descriptions.Item>
        <Descriptions.Item label={t('imports.report.installation')}>
          <Typography.Text code>{report.installation}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('imports.report.keysAdded')}>{report.keysAdded}</Descriptions.Item>
        <Descriptions.Item label={t('imports.report.pricedModels')}>{report.pricedModels}</Descriptions.Item>
        {pricedNow ? (
          <Descriptions.Item
            label={report.dryRun ? t('imports.report.pricesWouldSet') : t('imports.report.pricesSet')}
            span="filled"
          >
            <span data-testid="newapi-prices">
              {pricedNow.length === 0
                ? t('imports.report.noPrices')
                : pricedNow.map((model) => (
                    <Tag key={model} color="blue">
                      {model}
                    </Tag>
                  ))}
            </span>
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t('imports.report.groups')}>
          {report.groups.length === 0
            ? '—'
            : report.groups.map((group) => (
                <Tag key={group.group} color={GROUP_COLOR[group.outcome]}>
                  {group.group} × {group.multiplier}
                  {group.outcome === 'skipped' ? ` (${t('imports.report.groupSkipped')})` : ''}
                  {group.outcome === 'kept' ? ` (${t('imports.report.groupKept')})` : ''}
                </Tag>
              ))}
        </Descriptions.Item>
      </Descriptions>

      <Table<KindReport & { kind: Kind }>
        size="small"
        rowKey="kind"
        pagination={false}
        dataSource={counts}
        data-testid="newapi-counts"
        columns={[
          {
            title: t('imports.report.kind'),
            dataIndex: 'kind',
            render: (kind: Kind) => t(`imports.kinds.${kind}`),
          },
          { title: t('imports.report.read'), dataIndex: 'read' },
          {
            title: report.dryRun ? t('imports.report.wouldCreate') : t('imports.report.created'),
            dataIndex: 'created',
            render: count,
          },
          {
            title: report.dryRun ? t('imports.report.wouldUpdate') : t('imports.report.updated'),
            dataIndex: 'updated',
            render: count,
          },
          { title: t('imports.report.unchanged'), dataIndex: 'unchanged' },
          {
            title: t('imports.report.skipped'),
            key: 'skipped',
            render: (_: unknown, row: KindReport) => row.skipped.length,
          },
        ]}
      />

      <div>
        <Typography.Title level={5}>{t('imports.report.amounts')}</Typography.Title>
        <Table
          size="small"
          rowKey={(row) => `${row.kind}:${row.sourceId}`}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          dataSource={report.amounts}
          data-testid="newapi-amounts"
          locale={{ emptyText: t('imports.report.noAmounts') }}
          columns={[
            {
              title: t('imports.report.kind'),
              dataIndex: 'kind',
              render: (kind: Report['amounts'][number]['kind']) => t(`imports.amountKinds.${kind}`),
            },
            { title: t('imports.report.label'), dataIndex: 'label' },
            { title: t('imports.report.quota'), dataIndex: 'quota', align: 'right' },
            {
              title: t('imports.report.usd'),
              dataIndex: 'usd',
              align: 'right',
              render: (usd: string, row) => (
                <>
                  {formatUsd(usd)}
                  {row.rounded ? (
                    <Tag color="orange" style={{ marginInlineStart: 8 }}>
                      {t('imports.report.rounded')}
                    </Tag>
                  ) : null}
                </>
              ),
            },
            {
              title: report.dryRun ? t('imports.report.wouldCredit') : t('imports.report.credited'),
              dataIndex: 'creditedUsd',
              align: 'right',
              render: (credited: string | undefined) => (credited === undefined ? '—' : formatUsd(credited)),
            },
          ]}
        />
      </div>

      {skipped.length > 0 ? (
        <div>
          <Typography.Title level={5}>{t('imports.report.skippedRows')}</Typography.Title>
          <Table
            size="small"
            rowKey="key"
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            dataSource={skipped}
            data-testid="newapi-skipped"
            columns={[
              {
                title: t('imports.report.kind'),
                dataIndex: 'kind',
                render: (kind: Kind) => t(`imports.kinds.${kind}`),
              },
              { title: t('imports.report.sourceId'), dataIndex: 'sourceId' },
              { title: t('imports.report.label'), dataIndex: 'label' },
              { title: t('imports.report.reason'), dataIndex: 'reason' },
            ]}
          />
        </div>
      ) : null}

      {notes.length > 0 || report.notImported.length > 0 ? (
        <Alert
          type="info"
          showIcon
          title={t('imports.report.notes')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {[...report.notImported, ...notes].map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          }
        />
      ) : null}
    </Flex>
  );
}
