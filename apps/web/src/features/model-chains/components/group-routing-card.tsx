// A tenant group's routing choices: the chain `model: "auto"` means, and whether conversations sent
// without x-session-id are kept on their key (recognised by their leading messages).
import { App, Card, Flex, Input, Select, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError, ErrorAlert } from '../../../components/error-alert';
import {
  type ModelChain,
  useGroupRouting,
  useSetDefaultChain,
  useSetHashedSessions,
} from '../api/model-chains-api';

const GROUP = /^[a-z0-9_-]{1,64}$/;

export function GroupRoutingCard({ chains }: { chains: ModelChain[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [group, setGroup] = useState('default');
  const routing = useGroupRouting(group);
  const setDefault = useSetDefaultChain();
  const setHashed = useSetHashedSessions();
  const done = { onError: (error: unknown) => void message.error(describeError(t, error)) };

  return (
    <Card size="small" title={t('modelChains.groupTitle')} data-testid="group-routing">
      <Flex gap={16} wrap align="center">
        <Flex gap={8} align="center">
          <Typography.Text>{t('modelChains.group')}</Typography.Text>
          <Input.Search
            defaultValue={group}
            enterButton={t('common.open')}
            onSearch={(value) => {
              if (GROUP.test(value.trim())) setGroup(value.trim());
              else void message.error(t('modelChains.badGroup'));
            }}
            style={{ width: 240 }}
          />
        </Flex>
        <Flex gap={8} align="center">
          <Typography.Text>{t('modelChains.autoChain')}</Typography.Text>
          <Select
            allowClear
            placeholder={t('modelChains.noAuto')}
            value={routing.data?.defaultChain ?? undefined}
            loading={routing.isPending || setDefault.isPending}
            onChange={(chain?: string) => setDefault.mutate({ group, chain: chain ?? null }, done)}
            options={chains.map((chain) => ({ value: chain.name, label: chain.name }))}
            style={{ width: 220 }}
            data-testid="auto-chain"
          />
        </Flex>
        <Flex gap={8} align="center">
          <Switch
            checked={routing.data?.hashedSessions ?? true}
            loading={routing.isPending || setHashed.isPending}
            onChange={(enabled) => setHashed.mutate({ group, enabled }, done)}
          />
          <Typography.Text>{t('modelChains.hashedSessions')}</Typography.Text>
        </Flex>
      </Flex>
      {routing.isError ? <ErrorAlert error={routing.error} onRetry={() => void routing.refetch()} /> : null}
    </Card>
  );
}
