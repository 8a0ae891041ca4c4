// Channels: every upstream account with its health at a glance; filter, open, test, delete.
import { PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Input, Select, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { DeleteButton } from '../components/delete-button';
import { PageHeader } from '../components/page-header';
import { QueryTable } from '../components/query-table';
import {
  type Channel,
  type ChannelType,
  useChannels,
  useDeleteChannel,
} from '../features/channels/api/channels-api';
import { CHANNEL_TYPES } from '../features/channels/components/channel-form';
import { FallbackChainEditor } from '../features/channels/components/fallback-chain-editor';
import { ChannelHealthSummary, StatusTag } from '../features/channels/components/health-tags';
import { usePageParams } from '../hooks/use-page-params';

const STATUSES = ['enabled', 'disabled', 'auto_disabled'] as const;

export function ChannelsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { page, pageSize, search, setFilter, pagination } = usePageParams();
  const filters = {
    q: search.get('q') ?? undefined,
    type: (search.get('type') as ChannelType | null) ?? undefined,
    status: (search.get('status') as Channel['status'] | null) ?? undefined,
  };
  const view = search.get('view') === 'chain' ? 'chain' : 'list';
  const channels = useChannels(page, pageSize, filters);
  const remove = useDeleteChannel();

  const columns: ColumnsType<Channel> = [
    {
      title: t('channels.form.name'),
      key: 'name',
      render: (_, channel) => (
        <Flex vertical>
          <Link to={`/channels/${channel.id}`}>{channel.name}</Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {channel.baseUrl}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('channels.form.type'),
      key: 'type',
      render: (_, channel) => <Tag>{t(`channels.types.${channel.type}`)}</Tag>,
    },
    {
      title: t('channels.keys.health'),
      key: 'health',
      render: (_, channel) => <ChannelHealthSummary channel={channel} />,
    },
    {
      title: t('channels.form.models'),
      key: 'models',
      render: (_, channel) => (
        <Flex gap={4} wrap style={{ maxWidth: 280 }}>
          {channel.models.slice(0, 4).map((model) => (
            <Tag key={model} style={{ marginInlineEnd: 0 }}>
              {model}
            </Tag>
          ))}
          {channel.models.length > 4 ? <Tag>+{channel.models.length - 4}</Tag> : null}
        </Flex>
      ),
    },
    {
      title: t('channels.priorityWeight'),
      key: 'priority',
      render: (_, channel) => `${channel.priority} / ${channel.weight}`,
    },
    {
      title: t('channels.keys.status'),
      key: 'status',
      render: (_, channel) => <StatusTag status={channel.status} />,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, channel) => (
        <Flex gap={4}>
          <Button size="small" onClick={() => void navigate(`/channels/${channel.id}`)}>
            {t('common.open')}
          </Button>
          <DeleteButton
            confirm={t('channels.deleteConfirm', { name: channel.name })}
            deleted={t('channels.deleted')}
            onDelete={() => remove.mutateAsync(channel.id)}
          />
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.channels')}
        subtitle={t('channels.subtitle')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => void navigate('/channels/new')}
            data-testid="new-channel"
          >
            {t('channels.new')}
          </Button>
        }
      />
      <Tabs
        activeKey={view}
        onChange={(key) => setFilter('view', key === 'chain' ? 'chain' : undefined)}
        items={[
          {
            key: 'list',
            label: t('channels.pageTabs.list'),
            children: (
              <>
                <Flex gap={8} wrap style={{ marginBottom: 16 }}>
                  <Input.Search
                    allowClear
                    placeholder={t('channels.searchPlaceholder')}
                    defaultValue={filters.q}
                    onSearch={(value) => setFilter('q', value || undefined)}
                    style={{ width: 260 }}
                  />
                  <Select
                    allowClear
                    placeholder={t('channels.form.type')}
                    value={filters.type}
                    onChange={(value?: string) => setFilter('type', value)}
                    options={CHANNEL_TYPES.map((value) => ({ value, label: t(`channels.types.${value}`) }))}
                    style={{ width: 180 }}
                  />
                  <Select
                    allowClear
                    placeholder={t('channels.keys.status')}
                    value={filters.status}
                    onChange={(value?: string) => setFilter('status', value)}
                    options={STATUSES.map((value) => ({ value, label: t(`channels.status.${value}`) }))}
                    style={{ width: 180 }}
                  />
                </Flex>
                <QueryTable<Channel>
                  query={channels}
                  pagination={pagination}
                  rowKey="id"
                  columns={columns}
                  locale={{ emptyText: t('channels.empty') }}
                  data-testid="channels-table"
                />
              </>
            ),
          },
          { key: 'chain', label: t('channels.pageTabs.chain'), children: <FallbackChainEditor /> },
        ]}
      />
    </>
  );
}
