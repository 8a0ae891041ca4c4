// Runs the channel test (one real minimal request upstream) and shows its result: healthy or not,
// latency, upstream status and message, which model went upstream and with which key.
import { ExperimentOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions, Flex, Select, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../../components/error-alert';
import { formatDateTime, formatMs } from '../../../components/formatters';
import type { Channel, ChannelTestResult } from '../api/channels-api';
import { HEALTH_COLOR } from './health-tags';

interface ChannelTestPanelProps {
  channel: Channel;
  model: string | undefined;
  onModelChange: (model: string | undefined) => void;
  running: boolean;
  result: ChannelTestResult | undefined;
  error: unknown;
  onRun: () => void;
}

export function ChannelTestPanel({
  channel,
  model,
  onModelChange,
  running,
  result,
  error,
  onRun,
}: ChannelTestPanelProps) {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={16}>
      <Flex gap={8} wrap>
        <Select
          allowClear
          style={{ minWidth: 240 }}
          placeholder={t('channels.test.modelPlaceholder', { model: channel.models[0] ?? '' })}
          value={model}
          onChange={onModelChange}
          options={channel.models.map((name) => ({ value: name, label: name }))}
          aria-label={t('channels.test.model')}
        />
        <Button
          type="primary"
          icon={<ExperimentOutlined />}
          loading={running}
          onClick={onRun}
          data-testid="channel-test"
        >
          {t('channels.test.run')}
        </Button>
      </Flex>
      {error ? (
        <Alert
          type="error"
          showIcon
          title={t('channels.test.failedToRun')}
          description={describeError(t, error)}
        />
      ) : null}
      {result ? (
        <div data-testid="channel-test-result" data-ok={String(result.ok)}>
          <Alert
            type={result.ok ? 'success' : 'error'}
            showIcon
            title={
              result.ok
                ? t('channels.test.ok', { latency: formatMs(result.latencyMs) })
                : t('channels.test.notOk')
            }
            style={{ marginBottom: 12 }}
          />
          <Descriptions
            size="small"
            bordered
            column={{ xs: 1, md: 2 }}
            items={[
              {
                key: 'result',
                label: t('channels.test.result'),
                children: (
                  <Tag color={HEALTH_COLOR[result.result]}>{t(`channels.health.${result.result}`)}</Tag>
                ),
              },
              { key: 'latency', label: t('channels.test.latency'), children: formatMs(result.latencyMs) },
              { key: 'status', label: t('channels.test.httpStatus'), children: result.status ?? '—' },
              { key: 'message', label: t('channels.test.message'), children: result.message },
              {
                key: 'model',
                label: t('channels.test.model'),
                children: `${result.model} → ${result.upstreamModel}`,
              },
              { key: 'key', label: t('channels.keys.key'), children: result.maskedKey },
              {
                key: 'checkedAt',
                label: t('channels.test.checkedAt'),
                children: formatDateTime(result.checkedAt),
              },
            ]}
          />
        </div>
      ) : null}
    </Flex>
  );
}
