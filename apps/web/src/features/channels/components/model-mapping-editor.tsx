// The alias → upstream model mapping as rows of two inputs (antd Form.List under `mappings`).
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';

export interface MappingRow {
  alias: string;
  upstream: string;
}

export function toMappingRows(mapping: Record<string, string> | undefined): MappingRow[] {
  return Object.entries(mapping ?? {}).map(([alias, upstream]) => ({ alias, upstream }));
}

export function fromMappingRows(rows: MappingRow[] | undefined): Record<string, string> {
  return Object.fromEntries(
    (rows ?? [])
      .filter((row) => row?.alias && row?.upstream)
      .map((row) => [row.alias.trim(), row.upstream.trim()]),
  );
}

export function ModelMappingEditor() {
  const { t } = useTranslation();
  return (
    <Form.List name="mappings">
      {(fields, { add, remove }) => (
        <Flex vertical gap={8}>
          {fields.map((field) => (
            <Flex key={field.key} gap={8} align="baseline">
              <Form.Item
                name={[field.name, 'alias']}
                noStyle
                rules={[{ required: true, message: t('channels.form.aliasRequired') }]}
              >
                <Input placeholder={t('channels.form.alias')} aria-label={t('channels.form.alias')} />
              </Form.Item>
              <span aria-hidden>→</span>
              <Form.Item
                name={[field.name, 'upstream']}
                noStyle
                rules={[{ required: true, message: t('channels.form.upstreamRequired') }]}
              >
                <Input
                  placeholder={t('channels.form.upstreamModel')}
                  aria-label={t('channels.form.upstreamModel')}
                />
              </Form.Item>
              <Button
                type="text"
                icon={<DeleteOutlined />}
                aria-label={t('common.remove')}
                onClick={() => remove(field.name)}
              />
            </Flex>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ alias: '', upstream: '' })}>
            {t('channels.form.addMapping')}
          </Button>
        </Flex>
      )}
    </Form.List>
  );
}
