// A new channel: its settings and, optionally, its first keys in one go.
import { App, Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { describeError } from '../components/error-alert';
import { PageHeader } from '../components/page-header';
import { addChannelKeys, useCreateChannel } from '../features/channels/api/channels-api';
import { ChannelForm, type ChannelFormResult } from '../features/channels/components/channel-form';

export function ChannelNewPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const create = useCreateChannel();

  const submit = async ({ channel, keys, keyCaps }: ChannelFormResult) => {
    const created = await create.mutateAsync(channel);
    if (keys.length > 0) {
      try {
        await addChannelKeys(created.id, {
          keys,
          label: '',
          priority: 0,
          weight: 1,
          status: 'enabled',
          ...keyCaps,
        });
      } catch (error) {
        // The channel exists; say why its keys did not make it and let the key pool take over.
        void message.error(t('channels.keysNotAdded', { reason: describeError(t, error) }));
      }
    }
    void message.success(t('channels.created', { name: created.name }));
    void navigate(`/channels/${created.id}`);
  };

  return (
    <>
      <PageHeader title={t('channels.new')} subtitle={t('channels.newSubtitle')} />
      <Card style={{ maxWidth: 960 }}>
        <ChannelForm
          submitting={create.isPending}
          onSubmit={submit}
          onCancel={() => void navigate('/channels')}
        />
      </Card>
    </>
  );
}
