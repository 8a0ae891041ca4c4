// Key health and channel status at a glance, in colors that read the same in every table.
import { Flex, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Channel, ChannelKey, KeyHealth } from '../api/channels-api';

export const HEALTH_COLOR: Record<KeyHealth, string> = {
  healthy: 'success',
  rate_limited: 'warning',
  invalid: 'error',
  error: 'volcano',
  unknown: 'default',
};

const HEALTH_ORDER: KeyHealth[] = ['healthy', 'rate_limited', 'error', 'invalid', 'unknown'];

const STATUS_COLOR: Record<Channel['status'], string> = {
  enabled: 'green',
  disabled: 'default',
  auto_disabled: 'red',
};

export function KeyHealthTag({ health }: { health: KeyHealth }) {
  const { t } = useTranslation();
  return (
    <Tag color={HEALTH_COLOR[health]} data-health={health}>
      {t(`channels.health.${health}`)}
    </Tag>
  );
}

export function StatusTag({ status }: { status: Channel['status'] | ChannelKey['status'] }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLOR[status]}>{t(`channels.status.${status}`)}</Tag>;
}

/** "3 healthy · 1 rate limited": only the non-zero buckets, or "no keys". */
export function ChannelHealthSummary({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  if (channel.keyCount === 0) return <Tag color="warning">{t('channels.noKeys')}</Tag>;
  return (
    <Flex gap={4} wrap data-testid="channel-health">
      {HEALTH_ORDER.filter((health) => channel.keysByHealth[health] > 0).map((health) => (
        <Tooltip key={health} title={t(`channels.health.${health}`)}>
          <Tag color={HEALTH_COLOR[health]} style={{ marginInlineEnd: 0 }}>
            {channel.keysByHealth[health]} {t(`channels.health.${health}`)}
          </Tag>
        </Tooltip>
      ))}
    </Flex>
  );
}
