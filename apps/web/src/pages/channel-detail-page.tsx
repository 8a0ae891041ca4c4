// One channel: test it, manage its key pool, edit its settings.
import { ArrowLeftOutlined } from '@ant-design/icons';
import { App, Button, Card, Flex, Result, Skeleton, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { isApiError } from '../api/api-error';
import { ErrorAlert } from '../components/error-alert';
import { PageHeader } from '../components/page-header';
import { useChannel, useTestChannel, useUpdateChannel } from '../features/channels/api/channels-api';
import { ChannelForm, type ChannelFormResult } from '../features/channels/components/channel-form';
import { ChannelKeysPanel } from '../features/channels/components/channel-keys-panel';
import { ChannelTestPanel } from '../features/channels/components/channel-test-panel';
import { ChannelHealthSummary, StatusTag } from '../features/channels/components/health-tags';

export function ChannelDetailPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { id } = useParams();
  const [search, setSearch] = useSearchParams();
  const channel = useChannel(id);
  const update = useUpdateChannel();
  const test = useTestChannel();
  const [testModel, setTestModel] = useState<string | undefined>();
  const tab = search.get('tab') === 'settings' ? 'settings' : 'keys';

  if (channel.isPending) return <Skeleton active />;
  if (channel.isError) {
    if (isApiError(channel.error) && channel.error.status === 404) {
      return (
        <Result
          status="404"
          title={t('channels.notFound')}
          extra={<Button onClick={() => void navigate('/channels')}>{t('channels.backToList')}</Button>}
        />
      );
    }
    return <ErrorAlert error={channel.error} onRetry={() => void channel.refetch()} />;
  }
  const current = channel.data;

  const runTest = (keyId?: string) => test.mutate({ id: current.id, model: testModel, keyId });
  const save = async ({ channel: body }: ChannelFormResult) => {
    await update.mutateAsync({ id: current.id, body });
    void message.success(t('common.saved'));
  };

  return (
    <>
      <PageHeader
        title={current.name}
        subtitle={
          <Flex gap={8} align="center" wrap component="span">
            <Tag>{t(`channels.types.${current.type}`)}</Tag>
            <StatusTag status={current.status} />
            <span>{current.baseUrl}</span>
          </Flex>
        }
        extra={
          <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate('/channels')}>
            {t('channels.backToList')}
          </Button>
        }
      />
      <Card
        title={t('channels.test.title')}
        extra={<ChannelHealthSummary channel={current} />}
        style={{ marginBottom: 16 }}
      >
        <ChannelTestPanel
          channel={current}
          model={testModel}
          onModelChange={setTestModel}
          running={test.isPending}
          result={test.data}
          error={test.error}
          onRun={() => runTest()}
        />
      </Card>
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(key) => setSearch(key === 'keys' ? {} : { tab: key }, { replace: true })}
          items={[
            {
              key: 'keys',
              label: t('channels.tabs.keys', { count: current.keyCount }),
              children: (
                <ChannelKeysPanel
                  channel={current}
                  onTestKey={(keyId) => runTest(keyId)}
                  testingKeyId={test.isPending ? test.variables?.keyId : undefined}
                />
              ),
            },
            {
              key: 'settings',
              label: t('channels.tabs.settings'),
              children: (
                <ChannelForm
                  key={current.updatedAt}
                  channel={current}
                  submitting={update.isPending}
                  onSubmit={save}
                />
              ),
            },
          ]}
        />
      </Card>
    </>
  );
}
