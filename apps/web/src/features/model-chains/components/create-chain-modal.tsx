// A new model chain: its name (what clients ask for) and its models in order (reordered afterwards
// on its card), optionally the models it backs up once their own candidates are exhausted.
import { Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../../components/form-modal';
import { useServerErrors } from '../../../components/server-errors';
import { type ModelChain, useCreateModelChain } from '../api/model-chains-api';

interface ChainFormValues {
  name: string;
  models: string[];
  fallbackFor?: string[];
}

interface CreateChainModalProps {
  open: boolean;
  /** Model names to offer (the catalog); any other can be typed. */
  knownModels: string[];
  onClose: () => void;
  onSaved: (chain: ModelChain) => void;
}

export function CreateChainModal({ open, knownModels, onClose, onSaved }: CreateChainModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ChainFormValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const create = useCreateModelChain();
  const options = knownModels.map((model) => ({ value: model, label: model }));

  const submit = (values: ChainFormValues) => {
    clear();
    create.mutate(
      { name: values.name.trim(), models: values.models, fallbackFor: values.fallbackFor ?? [] },
      { onSuccess: onSaved, onError },
    );
  };

  return (
    <FormModal<ChainFormValues>
      form={form}
      open={open}
      title={t('modelChains.createTitle')}
      okText={t('modelChains.create')}
      okTestId="chain-create"
      saving={create.isPending}
      formError={formError}
      onClose={onClose}
      onFinish={submit}
      width={560}
    >
      <Form.Item
        name="name"
        label={t('modelChains.name')}
        extra={t('modelChains.nameHelp')}
        rules={[{ required: true, whitespace: true, message: t('common.required') }]}
      >
        <Input placeholder="free-chat" data-testid="chain-name" />
      </Form.Item>
      <Form.Item
        name="models"
        label={t('modelChains.models')}
        extra={t('modelChains.modelsHelp')}
        rules={[{ required: true, type: 'array', min: 1, message: t('common.required') }]}
      >
        <Select mode="tags" options={options} tokenSeparators={[',', ' ']} data-testid="chain-models" />
      </Form.Item>
      <Form.Item
        name="fallbackFor"
        label={t('modelChains.fallbackForLabel')}
        extra={t('modelChains.fallbackForHelp')}
      >
        <Select mode="tags" options={options} tokenSeparators={[',', ' ']} />
      </Form.Item>
    </FormModal>
  );
}
