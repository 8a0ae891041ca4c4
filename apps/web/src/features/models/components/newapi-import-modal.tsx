// Import prices from NewAPI / one-api ratio settings (paste the JSON their admin UI shows). The api
// converts ratios to USD exactly and sets a price for each model whose price changes.
import { Alert, type ButtonProps, Flex, Form, Input, InputNumber, Modal, Table, Tag, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Schema } from '@gateway/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';
import { FormError } from '../../../components/form-error';
import { formatUsd } from '../../../components/formatters';
import { useServerErrors } from '../../../components/server-errors';

type ImportResult = Schema<'NewApiImportView'>;

interface ImportValues {
  modelRatio: string;
  completionRatio?: string;
  cacheRatio?: string;
  quotaPerUnit: number;
}

/** A JSON object of numbers, or an error message key. */
function parseRatios(text: string | undefined): Record<string, number> | undefined | 'invalid' {
  if (!text?.trim()) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'invalid';
    return value as Record<string, number>;
  } catch {
    return 'invalid';
  }
}

export function NewApiImportModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ImportValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const [result, setResult] = useState<ImportResult | null>(null);
  const queryClient = useQueryClient();
  const importRatios = useMutation({
    mutationFn: (body: Schema<'ImportNewApiDto'>) => unwrap(api.POST('/api/models/import/newapi', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.models.all }),
  });
  const jsonRule = {
    validator: (_: unknown, text?: string) =>
      parseRatios(text) === 'invalid'
        ? Promise.reject(new Error(t('models.import.invalidJson')))
        : Promise.resolve(),
  };

  const close = () => {
    setResult(null);
    onClose();
  };

  return (
    <Modal
      open={open}
      title={t('models.import.title')}
      okText={result ? t('common.close') : t('models.import.run')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'import-run' } as ButtonProps}
      cancelButtonProps={{ style: result ? { display: 'none' } : undefined }}
      confirmLoading={importRatios.isPending}
      onOk={() => (result ? close() : form.submit())}
      onCancel={close}
      width={720}
      destroyOnHidden
    >
      {result ? (
        <Flex vertical gap={12} data-testid="import-result">
          <Alert
            type="success"
            showIcon
            title={t('models.import.done', {
              set: result.set.length,
              unchanged: result.unchanged.length,
              ignored: result.ignored.length,
            })}
          />
          {result.set.length > 0 ? (
            <Table
              size="small"
              rowKey="id"
              pagination={{ pageSize: 8, hideOnSinglePage: true }}
              dataSource={result.set}
              columns={[
                { title: t('models.model'), dataIndex: 'model', key: 'model' },
                { title: t('models.inputShort'), key: 'in', render: (_, row) => formatUsd(row.inputPer1M) },
                {
                  title: t('models.cachedShort'),
                  key: 'cached',
                  render: (_, row) => formatUsd(row.cachedInputPer1M),
                },
                {
                  title: t('models.outputShort'),
                  key: 'out',
                  render: (_, row) => formatUsd(row.outputPer1M),
                },
                {
                  title: '',
                  key: 'rounded',
                  render: (_, row) =>
                    row.rounded ? <Tag color="warning">{t('models.import.rounded')}</Tag> : null,
                },
              ]}
            />
          ) : null}
          {result.ignored.length > 0 ? (
            <Typography.Text type="secondary">
              {t('models.import.ignored', { models: result.ignored.join(', ') })}
            </Typography.Text>
          ) : null}
        </Flex>
      ) : (
        <Form<ImportValues>
          form={form}
          layout="vertical"
          initialValues={{ quotaPerUnit: 500000 }}
          onFinish={(values) => {
            clear();
            const ratios = (text?: string) => {
              const parsed = parseRatios(text);
              return parsed === 'invalid' ? undefined : parsed;
            };
            importRatios.mutate(
              {
                modelRatio: ratios(values.modelRatio) ?? {},
                completionRatio: ratios(values.completionRatio),
                cacheRatio: ratios(values.cacheRatio),
                quotaPerUnit: values.quotaPerUnit,
              },
              { onSuccess: setResult, onError },
            );
          }}
        >
          <Typography.Paragraph type="secondary">{t('models.import.hint')}</Typography.Paragraph>
          <FormError message={formError} />
          <Form.Item
            name="modelRatio"
            label="ModelRatio"
            rules={[{ required: true, message: t('common.required') }, jsonRule]}
          >
            <Input.TextArea
              rows={5}
              spellCheck={false}
              placeholder='{"gpt-4o": 1.25, "gpt-4o-mini": 0.075}'
              data-testid="import-model-ratio"
            />
          </Form.Item>
          <Form.Item
            name="completionRatio"
            label="CompletionRatio"
            extra={t('models.import.completionHint')}
            rules={[jsonRule]}
          >
            <Input.TextArea rows={3} spellCheck={false} placeholder='{"gpt-4o": 4}' />
          </Form.Item>
          <Form.Item
            name="cacheRatio"
            label="CacheRatio"
            extra={t('models.import.cacheHint')}
            rules={[jsonRule]}
          >
            <Input.TextArea rows={3} spellCheck={false} placeholder='{"gpt-4o": 0.5}' />
          </Form.Item>
          <Form.Item name="quotaPerUnit" label="QuotaPerUnit" extra={t('models.import.quotaHint')}>
            <InputNumber min={1} style={{ width: 200 }} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
