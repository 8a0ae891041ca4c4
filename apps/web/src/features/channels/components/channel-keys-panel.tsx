// A channel's key pool: each key's health, cooldown, counters and limits; enable/disable, test one
// key, delete; add many at once.
import {
  DeleteOutlined,
  EditOutlined,
  ExperimentOutlined,
  PlusOutlined,
  UndoOutlined,
} from '@ant-design/icons';
import { App, Button, Flex, Popconfirm, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError, ErrorAlert } from '../../../components/error-alert';
import { formatDateTime, formatMoment, formatMs, formatNumber } from '../../../components/formatters';
import {
  type Channel,
  type ChannelKey,
  useChannelKeys,
  useDeleteChannelKey,
  useResetKeyCooldown,
  useUpdateChannelKey,
} from '../api/channels-api';
import { AddKeysModal } from './add-keys-modal';
import { KeyHealthTag, StatusTag } from './health-tags';
import { KeyLimitsModal, LIMIT_NAMES } from './key-limits-modal';
import { KeyProbesTable } from './key-probes-table';

interface ChannelKeysPanelProps {
  channel: Channel;
  onTestKey: (keyId: string) => void;
  testingKeyId?: string;
}

function isCoolingDown(key: ChannelKey): boolean {
  return (
    (key.cooldownUntil !== null && new Date(key.cooldownUntil).getTime() > Date.now()) ||
    Object.keys(key.modelCooldowns).length > 0
  );
}

export function ChannelKeysPanel({ channel, onTestKey, testingKeyId }: ChannelKeysPanelProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const [adding, setAdding] = useState(false);
  const [editingLimits, setEditingLimits] = useState<ChannelKey | null>(null);
  const keys = useChannelKeys(channel.id, page.page, page.pageSize);
  const update = useUpdateChannelKey(channel.id);
  const remove = useDeleteChannelKey(channel.id);
  const resetCooldown = useResetKeyCooldown(channel.id);

  const columns: ColumnsType<ChannelKey> = [
    {
      title: t('channels.keys.key'),
      key: 'key',
      render: (_, key) => (
        <Flex vertical>
          <Typography.Text code>{key.maskedKey}</Typography.Text>
          {key.label ? <Typography.Text type="secondary">{key.label}</Typography.Text> : null}
        </Flex>
      ),
    },
    {
      title: t('channels.keys.health'),
      key: 'health',
      render: (_, key) => (
        <Flex vertical gap={4} align="flex-start">
          <KeyHealthTag health={key.health} />
          {key.consecutiveFailures > 0 ? (
            <Typography.Text type="danger">
              {t('channels.keys.failuresInARow', { count: key.consecutiveFailures })}
            </Typography.Text>
          ) : null}
          {key.refusedUntil !== null ? (
            <Tag color="red" style={{ marginInlineEnd: 0 }} data-testid="key-refused">
              {t('channels.keys.refused')}
            </Tag>
          ) : null}
          {key.disabledReason ? (
            <Tooltip title={key.disabledReason}>
              <Typography.Text type="secondary" ellipsis style={{ maxWidth: 220 }}>
                {key.disabledReason}
              </Typography.Text>
            </Tooltip>
          ) : null}
          {isCoolingDown(key) ? (
            <Flex vertical gap={2} align="flex-start">
              {key.cooldownUntil !== null ? (
                <Tag
                  color={key.cooldownReason === 'out_of_credit' ? 'red' : 'orange'}
                  style={{ marginInlineEnd: 0 }}
                  data-testid="key-cooldown"
                >
                  {key.cooldownReason === 'out_of_credit'
                    ? t('channels.keys.outOfCreditUntil', { time: formatMoment(key.cooldownUntil) })
                    : t('channels.keys.coolingUntil', { time: formatMoment(key.cooldownUntil) })}
                </Tag>
              ) : null}
              {Object.entries(key.modelCooldowns).map(([model, until]) => (
                <Tag key={model} color="gold" style={{ marginInlineEnd: 0 }} data-testid="key-model-cooldown">
                  {t('channels.keys.modelCoolingUntil', { model, time: formatMoment(until) })}
                </Tag>
              ))}
              <Button
                size="small"
                type="link"
                style={{ paddingInline: 0 }}
                icon={<UndoOutlined />}
                loading={resetCooldown.isPending && resetCooldown.variables === key.id}
                data-testid="key-reset-cooldown"
                onClick={() =>
                  resetCooldown.mutate(key.id, {
                    onSuccess: () => void message.success(t('channels.keys.cooldownReset')),
                    onError: (error) => void message.error(describeError(t, error)),
                  })
                }
              >
                {t('channels.keys.resetCooldownLong')}
              </Button>
            </Flex>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t('channels.keys.status'),
      key: 'status',
      render: (_, key) => (
        <Flex gap={8} align="center">
          <Switch
            size="small"
            checked={key.status === 'enabled'}
            loading={update.isPending && update.variables?.keyId === key.id}
            aria-label={t('channels.keys.toggle')}
            onChange={(checked) =>
              update.mutate(
                { keyId: key.id, body: { status: checked ? 'enabled' : 'disabled' } },
                { onError: (error) => void message.error(describeError(t, error)) },
              )
            }
          />
          {key.status === 'auto_disabled' ? <StatusTag status={key.status} /> : null}
        </Flex>
      ),
    },
    {
      title: t('channels.priorityWeight'),
      key: 'routing',
      render: (_, key) => `${key.priority} / ${key.weight}`,
    },
    {
      title: t('channels.keys.counters'),
      key: 'counters',
      render: (_, key) => (
        <Flex vertical>
          <span>
            {t('channels.keys.requests', {
              count: key.totalRequests,
              formatted: formatNumber(key.totalRequests),
            })}
          </span>
          <Typography.Text type="secondary">
            {t('channels.keys.tokens', {
              count: key.totalTokens,
              formatted: formatNumber(key.totalTokens),
            })}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('channels.keys.limits'),
      key: 'limits',
      render: (_, key) => {
        const limits = LIMIT_NAMES.filter((name) => key[name] !== null);
        const perModel = Object.entries(key.modelLimits as Record<string, Partial<Record<string, number>>>);
        return (
          <Flex vertical align="flex-start" data-testid="key-limits">
            <span>
              {limits.length === 0
                ? t('common.unlimited')
                : limits
                    .map((name) => `${t(`channels.keys.${name}`)} ${formatNumber(key[name])}`)
                    .join(' · ')}
            </span>
            {perModel.map(([model, caps]) => (
              <Typography.Text type="secondary" key={model} data-testid="key-model-limit">
                {model}:{' '}
                {LIMIT_NAMES.filter((name) => caps[name] !== undefined)
                  .map((name) => `${t(`channels.keys.${name}`)} ${formatNumber(caps[name] ?? 0)}`)
                  .join(' · ')}
              </Typography.Text>
            ))}
            <Button
              size="small"
              type="link"
              style={{ paddingInline: 0 }}
              icon={<EditOutlined />}
              data-testid="key-edit-limits"
              onClick={() => setEditingLimits(key)}
            >
              {t('channels.keys.editLimits')}
            </Button>
          </Flex>
        );
      },
    },
    {
      title: t('channels.keys.lastChecked'),
      key: 'checked',
      render: (_, key) => (
        <Flex vertical>
          <span>
            {formatDateTime(key.lastCheckedAt)}
            {key.latencyMs !== null ? (
              <Typography.Text type="secondary"> · {formatMs(key.latencyMs)}</Typography.Text>
            ) : null}
          </span>
          {key.last429At ? (
            <Typography.Text type="secondary">
              {t('channels.keys.last429', { time: formatMoment(key.last429At) })}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, key) => (
        <Flex gap={4}>
          <Tooltip title={t('channels.test.testKey')}>
            <Button
              size="small"
              icon={<ExperimentOutlined />}
              loading={testingKeyId === key.id}
              onClick={() => onTestKey(key.id)}
              aria-label={t('channels.test.testKey')}
            />
          </Tooltip>
          <Popconfirm
            title={t('channels.keys.deleteConfirm')}
            okText={t('common.delete')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: true }}
            onConfirm={() =>
              remove
                .mutateAsync(key.id)
                .catch((error: unknown) => void message.error(describeError(t, error)))
            }
          >
            <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
          </Popconfirm>
        </Flex>
      ),
    },
  ];

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center">
        <Typography.Text type="secondary">
          {t('channels.keys.summary', { count: channel.keyCount })}
        </Typography.Text>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="add-keys">
          {t('channels.keys.add')}
        </Button>
      </Flex>
      {keys.isError ? <ErrorAlert error={keys.error} onRetry={() => void keys.refetch()} /> : null}
      <Table<ChannelKey>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={keys.data?.items}
        loading={keys.isPending}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('channels.keys.empty') }}
        data-testid="channel-keys-table"
        expandable={{
          expandedRowRender: (key) => <KeyProbesTable channelId={channel.id} keyId={key.id} />,
          columnTitle: t('channels.probes.history'),
        }}
        pagination={{
          current: page.page,
          pageSize: page.pageSize,
          total: keys.data?.total ?? 0,
          hideOnSinglePage: true,
          onChange: (next, pageSize) => setPage({ page: next, pageSize }),
        }}
      />
      {editingLimits ? (
        // Mounted per opening: each edit starts from that key's stored caps.
        <KeyLimitsModal
          key={editingLimits.id}
          channelId={channel.id}
          channelKey={editingLimits}
          onClose={() => setEditingLimits(null)}
          onSaved={() => {
            setEditingLimits(null);
            void message.success(t('channels.keys.limitsSaved'));
          }}
        />
      ) : null}
      <AddKeysModal
        channelId={channel.id}
        open={adding}
        onClose={() => setAdding(false)}
        onAdded={(count) => {
          setAdding(false);
          void message.success(t('channels.keys.added', { count }));
        }}
      />
    </Flex>
  );
}
