// Models & prices: the catalog as the channels make it, each model's current price, and (super
// admin) the price editor.
import { ImportOutlined } from '@ant-design/icons';
import { App, Button, Flex, Input, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { canEditPrices } from '../auth/roles';
import { useCurrentUser } from '../auth/session';
import { formatDateTime } from '../components/formatters';
import { PageHeader } from '../components/page-header';
import { QueryTable } from '../components/query-table';
import { type CatalogModel, useModels } from '../features/models/api/models-api';
import { NewApiImportModal } from '../features/models/components/newapi-import-modal';
import { PriceEditor } from '../features/models/components/price-editor';
import { priceSummary } from '../features/models/price-summary';
import { usePageParams } from '../hooks/use-page-params';

export function ModelsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const user = useCurrentUser();
  const canEdit = canEditPrices(user.role);
  const { page, pageSize, search, setFilter, pagination } = usePageParams();
  const q = search.get('q') ?? undefined;
  const models = useModels(page, pageSize, q);
  const [editing, setEditing] = useState<CatalogModel | null>(null);
  const [importing, setImporting] = useState(false);
  // After a save the list refetches; the drawer follows the fresh row (its new price).
  const editingNow = editing
    ? (models.data?.items.find((model) => model.id === editing.id) ?? editing)
    : null;

  const columns: ColumnsType<CatalogModel> = [
    {
      title: t('models.model'),
      key: 'id',
      render: (_, model) => <Typography.Text strong>{model.id}</Typography.Text>,
    },
    {
      title: t('models.servedBy'),
      key: 'channels',
      render: (_, model) => (
        <Flex gap={4} wrap>
          <span>{t('models.channels', { count: model.channels })}</span>
          {model.types.map((type) => (
            <Tag key={type}>{type}</Tag>
          ))}
        </Flex>
      ),
    },
    { title: t('channels.form.groups'), key: 'groups', render: (_, model) => model.groups.join(', ') },
    {
      title: t('models.price'),
      key: 'price',
      render: (_, model) =>
        model.price ? (
          <Flex vertical data-testid={`model-price-${model.id}`}>
            {priceSummary(model.price, t).map((line) => (
              <span key={line}>{line}</span>
            ))}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('models.since', { time: formatDateTime(model.price.effectiveFrom) })}
            </Typography.Text>
          </Flex>
        ) : (
          <Tag color="warning">{t('models.noPrice')}</Tag>
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, model) => (
        <Button size="small" onClick={() => setEditing(model)} data-testid={`price-${model.id}`}>
          {canEdit ? t('models.setPrice') : t('models.viewPrice')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.models')}
        subtitle={t('models.subtitle')}
        extra={
          canEdit ? (
            <Button icon={<ImportOutlined />} onClick={() => setImporting(true)} data-testid="import-newapi">
              {t('models.import.open')}
            </Button>
          ) : null
        }
      />
      <Input.Search
        allowClear
        placeholder={t('models.searchPlaceholder')}
        defaultValue={q}
        onSearch={(value) => setFilter('q', value || undefined)}
        style={{ width: 280, marginBottom: 16 }}
      />
      <QueryTable<CatalogModel>
        query={models}
        pagination={pagination}
        rowKey="id"
        columns={columns}
        locale={{ emptyText: t('models.empty') }}
        data-testid="models-table"
      />
      <NewApiImportModal open={importing} onClose={() => setImporting(false)} />
      <PriceEditor
        model={editingNow}
        canEdit={canEdit}
        onClose={() => setEditing(null)}
        onSaved={() => void message.success(t('models.priceSaved'))}
      />
    </>
  );
}
