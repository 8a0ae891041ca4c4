// The fallback chain, edited by drag and drop: channels serving a group, in the order the relay
// tries them. Channels linked into one tier share a priority and split traffic by weight.
import { DisconnectOutlined, HolderOutlined, LinkOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Flex,
  InputNumber,
  Select,
  Tag,
  Tooltip,
  Typography,
  theme,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError, ErrorAlert } from '../../../components/error-alert';
import { type Channel, useChannels, useUpdateChannel } from '../api/channels-api';
import { type ChainEntry, chainOf, moveEntry, prioritiesOf, tiersOf } from '../fallback-chain';
import { ChannelHealthSummary, StatusTag } from './health-tags';

function groupsOf(channels: Channel[]): string[] {
  return [...new Set(channels.flatMap((channel) => channel.groups))].sort();
}

export function FallbackChainEditor() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { token: colors } = theme.useToken();
  const channels = useChannels(1, 200, {});
  const update = useUpdateChannel();
  const all = useMemo(() => channels.data?.items ?? [], [channels.data]);
  const groups = groupsOf(all);
  const [group, setGroup] = useState<string>('default');
  const serving = useMemo(() => all.filter((channel) => channel.groups.includes(group)), [all, group]);
  const original = useMemo(() => chainOf(serving), [serving]);
  const [edited, setEdited] = useState<ChainEntry[] | null>(null);
  const [dragging, setDragging] = useState<number | null>(null);
  const [saving, setSaving] = useState(false);
  const chain = edited ?? original;
  const tiers = tiersOf(chain);
  const byId = new Map(all.map((channel) => [channel.id, channel]));

  const priorities = prioritiesOf(chain);
  const changes = chain.filter(
    (entry) =>
      priorities.get(entry.id) !== byId.get(entry.id)?.priority ||
      entry.weight !== byId.get(entry.id)?.weight,
  );

  const save = async () => {
    setSaving(true);
    try {
      for (const entry of changes) {
        await update.mutateAsync({
          id: entry.id,
          body: { priority: priorities.get(entry.id), weight: entry.weight },
        });
      }
      setEdited(null);
      void message.success(t('channels.chain.saved', { count: changes.length }));
    } catch (error) {
      void message.error(describeError(t, error));
    } finally {
      setSaving(false);
    }
  };

  const setEntry = (index: number, patch: Partial<ChainEntry>) =>
    setEdited(chain.map((entry, i) => (i === index ? { ...entry, ...patch } : entry)));

  return (
    <Card
      title={t('channels.chain.title')}
      extra={
        <Flex gap={8}>
          <Select
            value={group}
            onChange={(value: string) => {
              setGroup(value);
              setEdited(null);
            }}
            options={[...new Set([group, ...groups])].map((value) => ({ value, label: value }))}
            style={{ width: 160 }}
            aria-label={t('channels.form.groups')}
          />
          <Button onClick={() => setEdited(null)} disabled={!edited}>
            {t('channels.chain.reset')}
          </Button>
          <Button type="primary" onClick={() => void save()} disabled={changes.length === 0} loading={saving}>
            {t('channels.chain.save')}
          </Button>
        </Flex>
      }
    >
      <Typography.Paragraph type="secondary">{t('channels.chain.hint')}</Typography.Paragraph>
      {channels.isError ? (
        <ErrorAlert error={channels.error} onRetry={() => void channels.refetch()} />
      ) : null}
      {channels.isSuccess && chain.length === 0 ? (
        <Empty description={t('channels.chain.empty', { group })} />
      ) : null}
      <Flex vertical gap={4} data-testid="fallback-chain">
        {chain.map((entry, index) => {
          const current = byId.get(entry.id);
          const newTier = index === 0 || !entry.linked;
          return (
            <div key={entry.id}>
              {newTier ? (
                <Typography.Text
                  type="secondary"
                  style={{ display: 'block', margin: index === 0 ? '0 0 4px' : '12px 0 4px' }}
                >
                  {tiers[index] === 0
                    ? t('channels.chain.firstTier')
                    : t('channels.chain.tier', { n: (tiers[index] ?? 0) + 1 })}
                </Typography.Text>
              ) : null}
              <Flex
                align="center"
                gap={12}
                draggable
                onDragStart={() => setDragging(index)}
                onDragOver={(event) => event.preventDefault()}
                onDrop={() => {
                  if (dragging !== null && dragging !== index) setEdited(moveEntry(chain, dragging, index));
                  setDragging(null);
                }}
                onDragEnd={() => setDragging(null)}
                data-testid={`chain-${entry.name}`}
                style={{
                  padding: '8px 12px',
                  border: `1px solid ${colors.colorBorderSecondary}`,
                  borderRadius: colors.borderRadius,
                  background: dragging === index ? colors.colorPrimaryBg : colors.colorBgContainer,
                  cursor: 'grab',
                }}
              >
                <HolderOutlined aria-label={t('channels.chain.drag')} />
                <Typography.Text strong style={{ minWidth: 160 }}>
                  {entry.name}
                </Typography.Text>
                {current ? (
                  <>
                    <Tag>{t(`channels.types.${current.type}`)}</Tag>
                    <StatusTag status={current.status} />
                    <ChannelHealthSummary channel={current} />
                  </>
                ) : null}
                <Flex gap={8} align="center" style={{ marginInlineStart: 'auto' }}>
                  <Typography.Text type="secondary">{t('channels.form.weight')}</Typography.Text>
                  <InputNumber
                    size="small"
                    min={0}
                    max={1000}
                    value={entry.weight}
                    onChange={(value) => setEntry(index, { weight: value ?? 0 })}
                    style={{ width: 80 }}
                  />
                  <Tooltip title={entry.linked ? t('channels.chain.unlink') : t('channels.chain.link')}>
                    <Button
                      size="small"
                      disabled={index === 0}
                      icon={entry.linked ? <LinkOutlined /> : <DisconnectOutlined />}
                      type={entry.linked ? 'primary' : 'default'}
                      aria-label={entry.linked ? t('channels.chain.unlink') : t('channels.chain.link')}
                      onClick={() => setEntry(index, { linked: !entry.linked })}
                    />
                  </Tooltip>
                </Flex>
              </Flex>
            </div>
          );
        })}
      </Flex>
      {changes.length > 0 ? (
        <Alert
          type="info"
          showIcon
          style={{ marginTop: 12 }}
          title={t('channels.chain.pending', { count: changes.length })}
        />
      ) : null}
    </Card>
  );
}
