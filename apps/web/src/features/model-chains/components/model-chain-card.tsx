// One model chain: its models in the order the relay tries them, reordered by drag and drop (or the
// arrows), with models added and removed; nothing is saved until "Save order". Each saved member says
// whether a channel serves it now (a channel edit may have stranded it: the relay skips it).
import { ArrowDownOutlined, ArrowUpOutlined, CloseOutlined, HolderOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Flex, Input, Space, Tag, Tooltip, Typography, theme } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DeleteButton } from '../../../components/delete-button';
import { describeError } from '../../../components/error-alert';
import { type ModelChain, useDeleteModelChain, useUpdateModelChain } from '../api/model-chains-api';
import { moveModel, orderChanged } from '../chain-order';

export function ModelChainCard({ chain }: { chain: ModelChain }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { token: colors } = theme.useToken();
  const update = useUpdateModelChain();
  const remove = useDeleteModelChain();
  const [edited, setEdited] = useState<string[] | null>(null);
  const [dragging, setDragging] = useState<number | null>(null);
  const [adding, setAdding] = useState('');
  const models = edited ?? chain.models;
  const changed = orderChanged(models, chain.models);
  const members = new Map(chain.members.map((member) => [member.model, member]));
  const noneServable = chain.members.length > 0 && chain.members.every((member) => !member.servable);

  const save = async () => {
    try {
      await update.mutateAsync({ id: chain.id, body: { models } });
      setEdited(null);
      void message.success(t('modelChains.saved', { name: chain.name }));
    } catch (error) {
      void message.error(describeError(t, error));
    }
  };

  const add = () => {
    const model = adding.trim();
    if (model === '' || models.includes(model)) return;
    setEdited([...models, model]);
    setAdding('');
  };

  return (
    <Card
      size="small"
      data-testid={`model-chain-${chain.name}`}
      title={
        <Flex gap={8} align="center" wrap>
          <Typography.Text strong>{chain.name}</Typography.Text>
          {chain.defaultFor.map((group) => (
            <Tag key={group} color="blue">
              {t('modelChains.autoFor', { group })}
            </Tag>
          ))}
          {chain.fallbackFor.length > 0 ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('modelChains.fallbackFor', { models: chain.fallbackFor.join(', ') })}
            </Typography.Text>
          ) : null}
        </Flex>
      }
      extra={
        <DeleteButton
          confirm={t('modelChains.deleteConfirm', { name: chain.name })}
          deleted={t('modelChains.deleted', { name: chain.name })}
          onDelete={() => remove.mutateAsync(chain.id)}
        />
      }
    >
      {noneServable ? (
        <Alert type="error" showIcon style={{ marginBottom: 8 }} message={t('modelChains.noneServable')} />
      ) : null}
      <Flex vertical gap={4} data-testid={`chain-models-${chain.name}`}>
        {models.map((model, index) => (
          <Flex
            key={model}
            align="center"
            gap={12}
            draggable
            onDragStart={() => setDragging(index)}
            onDragOver={(event) => event.preventDefault()}
            onDrop={() => {
              if (dragging !== null && dragging !== index) setEdited(moveModel(models, dragging, index));
              setDragging(null);
            }}
            onDragEnd={() => setDragging(null)}
            data-testid={`chain-model-${model}`}
            style={{
              padding: '6px 12px',
              border: `1px solid ${colors.colorBorderSecondary}`,
              borderRadius: colors.borderRadius,
              background: dragging === index ? colors.colorPrimaryBg : colors.colorBgContainer,
              cursor: 'grab',
            }}
          >
            <HolderOutlined aria-label={t('modelChains.drag')} />
            <Typography.Text type="secondary" style={{ width: 24 }}>
              {index + 1}.
            </Typography.Text>
            <Typography.Text code>{model}</Typography.Text>
            <MemberServability member={members.get(model)} />
            <Space size={4} style={{ marginInlineStart: 'auto' }}>
              <Button
                size="small"
                icon={<ArrowUpOutlined />}
                aria-label={t('modelChains.up')}
                disabled={index === 0}
                onClick={() => setEdited(moveModel(models, index, index - 1))}
              />
              <Button
                size="small"
                icon={<ArrowDownOutlined />}
                aria-label={t('modelChains.down')}
                disabled={index === models.length - 1}
                onClick={() => setEdited(moveModel(models, index, index + 1))}
              />
              <Button
                size="small"
                icon={<CloseOutlined />}
                aria-label={t('modelChains.removeModel')}
                disabled={models.length === 1}
                onClick={() => setEdited(models.filter((_, i) => i !== index))}
              />
            </Space>
          </Flex>
        ))}
      </Flex>
      <Flex gap={8} style={{ marginTop: 12 }} wrap>
        <Space.Compact style={{ width: 360 }}>
          <Input
            value={adding}
            placeholder={t('modelChains.addModelPlaceholder')}
            onChange={(event) => setAdding(event.target.value)}
            onPressEnter={add}
            data-testid={`chain-add-input-${chain.name}`}
          />
          <Button onClick={add}>{t('modelChains.addModel')}</Button>
        </Space.Compact>
        <Flex gap={8} style={{ marginInlineStart: 'auto' }}>
          <Button disabled={!changed} onClick={() => setEdited(null)}>
            {t('modelChains.discard')}
          </Button>
          <Button
            type="primary"
            disabled={!changed}
            loading={update.isPending}
            onClick={() => void save()}
            data-testid={`chain-save-${chain.name}`}
          >
            {t('modelChains.saveOrder')}
          </Button>
        </Flex>
      </Flex>
    </Card>
  );
}

/** A saved member's servability; nothing for a model added but not saved yet. */
function MemberServability({ member }: { member: ModelChain['members'][number] | undefined }) {
  const { t } = useTranslation();
  if (member === undefined) return null;
  if (member.servable) {
    return (
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('modelChains.servedTo', { groups: member.groups.join(', ') })}
      </Typography.Text>
    );
  }
  return (
    <Tooltip title={member.reason === null ? undefined : t(`modelChains.unservableReason.${member.reason}`)}>
      <Tag color="red" data-testid={`chain-model-unservable-${member.model}`}>
        {t('modelChains.unservable')}
      </Tag>
    </Tooltip>
  );
}
