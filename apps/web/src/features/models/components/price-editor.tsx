// Set a model's price (effective now; earlier prices are kept). A token mix shows, live, what one
// request would cost with the draft price and, from the api's preview, with the saved one.
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  Row,
  Statistic,
  Table,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../../components/error-alert';
import { FormError } from '../../../components/form-error';
import { formatDateTime, formatUsd } from '../../../components/formatters';
import { useServerErrors } from '../../../components/server-errors';
import { USD_AMOUNT } from '../../../components/usd-amount';
import { UsdInput } from '../../../components/usd-input';
import {
  type CatalogModel,
  type SetPrice,
  type TokenMix,
  usePriceHistory,
  usePricePreview,
  useSetPrice,
} from '../api/models-api';
import { draftCost, TOKEN_COUNT } from '../price-math';

/** The price form's fields, two a row: the rates first (required), then what defaults without them. */
const PRICE_FIELDS = [
  { name: 'inputPer1M', testId: 'price-input', required: true, extra: null },
  { name: 'outputPer1M', testId: 'price-output', required: true, extra: null },
  { name: 'cachedInputPer1M', testId: 'price-cached', required: false, extra: 'models.cachedDefault' },
  {
    name: 'cacheWritePer1M',
    testId: 'price-cache-write',
    required: false,
    extra: 'models.cacheWriteDefault',
  },
  { name: 'reasoningPer1M', testId: 'price-reasoning', required: false, extra: 'models.reasoningDefault' },
  { name: 'perRequest', testId: 'price-per-request', required: false, extra: 'models.perRequestDefault' },
  { name: 'perImage', testId: 'price-per-image', required: false, extra: 'models.perImageDefault' },
  {
    name: 'perAudioSecond',
    testId: 'price-per-audio-second',
    required: false,
    extra: 'models.perAudioSecondDefault',
  },
  {
    name: 'charactersPer1M',
    testId: 'price-characters',
    required: false,
    extra: 'models.charactersPer1MDefault',
  },
] as const satisfies readonly {
  name: keyof SetPrice;
  testId: string;
  required: boolean;
  extra: string | null;
}[];

/** The preview's per-token parts, in the order of the api's breakdown. */
const PREVIEW_PARTS = [
  { part: 'input', label: 'models.preview.input' },
  { part: 'cachedInput', label: 'models.preview.cachedInput' },
  { part: 'cacheWrite', label: 'models.preview.cacheWrite' },
  { part: 'output', label: 'models.preview.output' },
  { part: 'reasoning', label: 'models.preview.reasoning' },
] as const;

const DEFAULT_MIX: TokenMix = {
  promptTokens: '1000',
  cachedTokens: '0',
  cacheWriteTokens: '0',
  completionTokens: '500',
  reasoningTokens: '0',
};

/** `1024x1024 = 0.04` lines ↔ the api's `{ "1024x1024": "0.04" }`; null for blank text, undefined when malformed. */
const SIZE_LINE =
  /^\s*((?:\d{1,5}x\d{1,5}|auto)(?:\/(?:auto|standard|hd|low|medium|high))?)\s*[=:]\s*(\S+)\s*$/;

export function parseSizePrices(text: string | undefined): Record<string, string> | null | undefined {
  const lines = (text ?? '').split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) return null;
  const prices: Record<string, string> = {};
  for (const line of lines) {
    const match = SIZE_LINE.exec(line);
    if (!match || !USD_AMOUNT.test(match[2] as string)) return undefined;
    prices[match[1] as string] = match[2] as string;
  }
  return prices;
}

function sizePricesText(prices: Record<string, string> | null | undefined): string {
  return Object.entries(prices ?? {})
    .map(([size, usd]) => `${size} = ${usd}`)
    .join('\n');
}

type PriceForm = Omit<SetPrice, 'perImageBySize'> & { perImageBySize?: string };

interface PriceEditorProps {
  model: CatalogModel | null;
  canEdit: boolean;
  onClose: () => void;
  onSaved: () => void;
}

export function PriceEditor({ model, canEdit, onClose, onSaved }: PriceEditorProps) {
  const { t } = useTranslation();
  return (
    <Drawer
      open={model !== null}
      onClose={onClose}
      title={model ? t('models.priceFor', { model: model.id }) : ''}
      size={640}
      destroyOnHidden
    >
      {model ? <PriceEditorBody model={model} canEdit={canEdit} onSaved={onSaved} /> : null}
    </Drawer>
  );
}

function PriceEditorBody({
  model,
  canEdit,
  onSaved,
}: {
  model: CatalogModel;
  canEdit: boolean;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<PriceForm>();
  const { formError, onError, clear } = useServerErrors(form);
  const [mix, setMix] = useState<TokenMix>(DEFAULT_MIX);
  const setPrice = useSetPrice(model.id);
  const history = usePriceHistory(model.id);
  const draft = Form.useWatch([], form) ?? {};
  const mixValid = Object.values(mix).every((value) => TOKEN_COUNT.test(value));
  const preview = usePricePreview(model.id, mix, model.price !== null && mixValid);
  const draftUsd = draftCost(draft, mix);

  const usdRule = { pattern: USD_AMOUNT, message: t('models.usdInvalid') };
  const submit = (values: PriceForm) => {
    clear();
    const body: SetPrice = {
      // Sent even when empty, like reasoningPer1M: a new price row without them does not price media.
      perImage: values.perImage || null,
      perImageBySize: parseSizePrices(values.perImageBySize) ?? null,
      perAudioSecond: values.perAudioSecond || null,
      charactersPer1M: values.charactersPer1M || null,
      inputPer1M: values.inputPer1M,
      outputPer1M: values.outputPer1M,
      ...(values.cachedInputPer1M ? { cachedInputPer1M: values.cachedInputPer1M } : {}),
      // Sent even when empty: a new price without it bills reasoning at the output rate.
      reasoningPer1M: values.reasoningPer1M || null,
      // Likewise: without it a cache write costs the input rate.
      cacheWritePer1M: values.cacheWritePer1M || null,
      ...(values.perRequest ? { perRequest: values.perRequest } : {}),
    };
    setPrice.mutate(body, { onSuccess: onSaved, onError });
  };

  return (
    <Flex vertical gap={16}>
      {canEdit ? (
        <Form<PriceForm>
          form={form}
          layout="vertical"
          onFinish={submit}
          initialValues={
            model.price
              ? {
                  inputPer1M: model.price.inputPer1M,
                  cachedInputPer1M: model.price.cachedInputPer1M,
                  outputPer1M: model.price.outputPer1M,
                  reasoningPer1M: model.price.reasoningPer1M ?? '',
                  cacheWritePer1M: model.price.cacheWritePer1M ?? '',
                  perRequest: model.price.perRequest,
                  perImage: model.price.perImage ?? '',
                  perImageBySize: sizePricesText(model.price.perImageBySize),
                  perAudioSecond: model.price.perAudioSecond ?? '',
                  charactersPer1M: model.price.charactersPer1M ?? '',
                }
              : {}
          }
          data-testid="price-form"
        >
          <FormError message={formError} />
          <Row gutter={16}>
            {PRICE_FIELDS.map((field) => (
              <Col xs={12} key={field.name}>
                <Form.Item
                  name={field.name}
                  label={t(`models.${field.name}`)}
                  extra={field.extra ? t(field.extra) : undefined}
                  rules={
                    field.required ? [{ required: true, message: t('common.required') }, usdRule] : [usdRule]
                  }
                >
                  <UsdInput data-testid={field.testId} />
                </Form.Item>
              </Col>
            ))}
            <Col xs={24}>
              <Form.Item
                name="perImageBySize"
                label={t('models.perImageBySize')}
                extra={t('models.perImageBySizeHelp')}
                rules={[
                  {
                    validator: (_, value: string | undefined) =>
                      parseSizePrices(value) === undefined
                        ? Promise.reject(new Error(t('models.perImageBySizeInvalid')))
                        : Promise.resolve(),
                  },
                ]}
              >
                <Input.TextArea
                  autoSize={{ minRows: 1, maxRows: 6 }}
                  placeholder="1024x1024 = 0.04"
                  data-testid="price-image-sizes"
                />
              </Form.Item>
            </Col>
          </Row>
          <Button type="primary" htmlType="submit" loading={setPrice.isPending} data-testid="price-save">
            {t('models.savePrice')}
          </Button>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t('models.effectiveNow')}
          </Typography.Paragraph>
        </Form>
      ) : null}

      <Card size="small" title={t('models.preview.title')}>
        <Row gutter={8} style={{ marginBottom: 12 }}>
          {(
            [
              'promptTokens',
              'cachedTokens',
              'cacheWriteTokens',
              'completionTokens',
              'reasoningTokens',
            ] as const
          ).map((field) => (
            <Col flex="1 1 0" key={field}>
              <Typography.Text type="secondary">{t(`models.preview.${field}`)}</Typography.Text>
              <Input
                value={mix[field]}
                inputMode="numeric"
                status={TOKEN_COUNT.test(mix[field]) ? undefined : 'error'}
                onChange={(event) => setMix({ ...mix, [field]: event.target.value.trim() })}
                aria-label={t(`models.preview.${field}`)}
                data-testid={`preview-${field}`}
              />
            </Col>
          ))}
        </Row>
        <Row gutter={16}>
          {canEdit ? (
            <Col xs={12}>
              <Statistic
                title={t('models.preview.draft')}
                value={draftUsd === null ? '—' : formatUsd(draftUsd)}
                data-testid="preview-draft"
              />
            </Col>
          ) : null}
          <Col xs={12}>
            <Statistic
              title={t('models.preview.saved')}
              loading={preview.isFetching && !preview.data}
              value={
                model.price === null
                  ? t('models.noPrice')
                  : preview.data
                    ? formatUsd(preview.data.costUsd)
                    : '—'
              }
              data-testid="preview-saved"
            />
          </Col>
        </Row>
        {preview.isError ? (
          <Alert type="warning" showIcon style={{ marginTop: 12 }} title={describeError(t, preview.error)} />
        ) : null}
        {preview.data && model.price ? (
          <Descriptions
            size="small"
            bordered
            column={1}
            style={{ marginTop: 12 }}
            items={[
              ...PREVIEW_PARTS.map(({ part, label }) => ({
                key: part,
                label: t(label),
                children: t('models.preview.line', {
                  count: Number(preview.data.breakdown[part].tokens),
                  tokens: preview.data.breakdown[part].tokens,
                  rate: formatUsd(preview.data.breakdown[part].ratePer1M),
                  cost: formatUsd(preview.data.breakdown[part].costUsd),
                }),
              })),
              {
                key: 'perRequest',
                label: t('models.perRequest'),
                children: formatUsd(preview.data.breakdown.perRequestUsd),
              },
            ]}
          />
        ) : null}
      </Card>

      <Card size="small" title={t('models.history')}>
        {history.isError ? (
          <Alert type="error" showIcon title={describeError(t, history.error)} />
        ) : (
          <Table
            rowKey="id"
            size="small"
            loading={history.isPending}
            dataSource={history.data?.items}
            pagination={false}
            locale={{ emptyText: t('models.noHistory') }}
            columns={[
              {
                title: t('models.effectiveFrom'),
                key: 'from',
                render: (_, row) => formatDateTime(row.effectiveFrom),
              },
              { title: t('models.inputShort'), key: 'in', render: (_, row) => formatUsd(row.inputPer1M) },
              {
                title: t('models.cachedShort'),
                key: 'cached',
                render: (_, row) => formatUsd(row.cachedInputPer1M),
              },
              { title: t('models.outputShort'), key: 'out', render: (_, row) => formatUsd(row.outputPer1M) },
              {
                title: t('models.cacheWriteShort'),
                key: 'cacheWrite',
                render: (_, row) => (row.cacheWritePer1M === null ? '—' : formatUsd(row.cacheWritePer1M)),
              },
              {
                title: t('models.reasoningShort'),
                key: 'reasoning',
                render: (_, row) => (row.reasoningPer1M === null ? '—' : formatUsd(row.reasoningPer1M)),
              },
              { title: t('models.perRequest'), key: 'req', render: (_, row) => formatUsd(row.perRequest) },
              {
                title: t('models.mediaShort'),
                key: 'media',
                render: (_, row) =>
                  [
                    row.perImage === null ? null : `${formatUsd(row.perImage)}/img`,
                    ...Object.entries(row.perImageBySize ?? {}).map(
                      ([size, usd]) => `${size} ${formatUsd(usd)}`,
                    ),
                    row.perAudioSecond === null ? null : `${formatUsd(row.perAudioSecond)}/s`,
                    row.charactersPer1M === null ? null : `${formatUsd(row.charactersPer1M)}/1M chars`,
                  ]
                    .filter((part) => part !== null)
                    .join(', ') || '—',
              },
            ]}
          />
        )}
      </Card>
    </Flex>
  );
}
