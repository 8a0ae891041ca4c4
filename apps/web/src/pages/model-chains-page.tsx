// Model fallback chains: named, ordered lists of models clients ask for as one model (and `auto`,
// each group's default chain), reordered by drag and drop.
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Empty, Flex, Skeleton } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../components/error-alert';
import { PageHeader } from '../components/page-header';
import { useModels } from '../features/models/api/models-api';
import { useModelChains } from '../features/model-chains/api/model-chains-api';
import { CreateChainModal } from '../features/model-chains/components/create-chain-modal';
import { GroupRoutingCard } from '../features/model-chains/components/group-routing-card';
import { ModelChainCard } from '../features/model-chains/components/model-chain-card';

export function ModelChainsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const chains = useModelChains();
  const models = useModels(1, 200);
  const [creating, setCreating] = useState(false);
  const items = chains.data?.items ?? [];

  return (
    <>
      <PageHeader
        title={t('nav.modelChains')}
        subtitle={t('modelChains.subtitle')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="new-chain"
          >
            {t('modelChains.new')}
          </Button>
        }
      />
      <Flex vertical gap={16}>
        <GroupRoutingCard chains={items} />
        {chains.isError ? <ErrorAlert error={chains.error} onRetry={() => void chains.refetch()} /> : null}
        {chains.isPending ? <Skeleton active /> : null}
        {chains.isSuccess && items.length === 0 ? <Empty description={t('modelChains.empty')} /> : null}
        {items.map((chain) => (
          <ModelChainCard key={`${chain.id}-${chain.updatedAt}`} chain={chain} />
        ))}
      </Flex>
      <CreateChainModal
        open={creating}
        knownModels={(models.data?.items ?? []).map((model) => model.id)}
        onClose={() => setCreating(false)}
        onSaved={(chain) => {
          setCreating(false);
          void message.success(t('modelChains.created', { name: chain.name }));
        }}
      />
    </>
  );
}
