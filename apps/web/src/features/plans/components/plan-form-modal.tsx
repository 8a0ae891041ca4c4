// Create a plan or edit one: monthly fee, the usage allowance it includes, and its monthly limits
// (an empty limit is unlimited). A change applies to every subscriber at once.
import { Col, Form, Input, InputNumber, Row, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../../components/form-modal';
import { useServerErrors } from '../../../components/server-errors';
import { USD_UP_TO_1M } from '../../../components/usd-amount';
import { UsdInput } from '../../../components/usd-input';
import { PLAN_STATUSES, type Plan, type PlanLimits, useCreatePlan, useUpdatePlan } from '../api/plans-api';

const COUNT_LIMITS = ['requests', 'inputTokens', 'outputTokens'] as const;

interface PlanFormValues {
  name: string;
  priceUsd: string;
  includedUsd?: string;
  status: Plan['status'];
  limits: {
    requests?: number | null;
    inputTokens?: number | null;
    outputTokens?: number | null;
    spendUsd?: string;
  };
}

interface PlanFormModalProps {
  open: boolean;
  plan?: Plan;
  onClose: () => void;
  onSaved: (plan: Plan) => void;
}

function limitsOf(values: PlanFormValues['limits']): PlanLimits {
  return {
    requests: values.requests ?? null,
    inputTokens: values.inputTokens ?? null,
    outputTokens: values.outputTokens ?? null,
    spendUsd: values.spendUsd?.trim() || null,
  };
}

export function PlanFormModal({ open, plan, onClose, onSaved }: PlanFormModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<PlanFormValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const create = useCreatePlan();
  const update = useUpdatePlan();
  const usdRules = [{ pattern: USD_UP_TO_1M, message: t('plans.usdInvalid') }];

  const submit = (values: PlanFormValues) => {
    clear();
    const body = {
      name: values.name.trim(),
      priceUsd: values.priceUsd.trim(),
      includedUsd: values.includedUsd?.trim() || '0',
      status: values.status,
      limits: limitsOf(values.limits),
    };
    if (plan) update.mutate({ id: plan.id, body }, { onSuccess: onSaved, onError });
    else create.mutate(body, { onSuccess: onSaved, onError });
  };

  return (
    <FormModal<PlanFormValues>
      form={form}
      open={open}
      title={plan ? t('plans.editTitle', { name: plan.name }) : t('plans.createTitle')}
      okText={plan ? t('common.save') : t('plans.create')}
      okTestId="plan-save"
      saving={create.isPending || update.isPending}
      formError={formError}
      onClose={onClose}
      onFinish={submit}
      width={640}
      initialValues={
        plan
          ? {
              name: plan.name,
              priceUsd: plan.priceUsd,
              includedUsd: plan.includedUsd,
              status: plan.status,
              limits: {
                requests: plan.limits.requests,
                inputTokens: plan.limits.inputTokens,
                outputTokens: plan.limits.outputTokens,
                spendUsd: plan.limits.spendUsd ?? '',
              },
            }
          : { includedUsd: '0', status: 'active', limits: {} }
      }
    >
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item
            name="name"
            label={t('plans.name')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={100} data-testid="plan-name" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="status" label={t('plans.status')} extra={t('plans.statusHint')}>
            <Select
              options={PLAN_STATUSES.map((value) => ({ value, label: t(`plans.statuses.${value}`) }))}
              data-testid="plan-status"
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="priceUsd"
            label={t('plans.priceUsd')}
            extra={t('plans.priceHint')}
            rules={[{ required: true, message: t('common.required') }, ...usdRules]}
          >
            <UsdInput data-testid="plan-price" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="includedUsd"
            label={t('plans.includedUsd')}
            extra={t('plans.includedHint')}
            rules={usdRules}
          >
            <UsdInput data-testid="plan-included" />
          </Form.Item>
        </Col>
      </Row>
      <Typography.Title level={5}>{t('plans.limits')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('plans.limitsHint')}</Typography.Paragraph>
      <Row gutter={16}>
        {COUNT_LIMITS.map((field) => (
          <Col xs={24} md={12} key={field}>
            <Form.Item name={['limits', field]} label={t(`plans.limit.${field}`)}>
              <InputNumber
                min={0}
                precision={0}
                style={{ width: '100%' }}
                placeholder={t('common.unlimited')}
                data-testid={`plan-limit-${field}`}
              />
            </Form.Item>
          </Col>
        ))}
        <Col xs={24} md={12}>
          <Form.Item name={['limits', 'spendUsd']} label={t('plans.limit.spendUsd')} rules={usdRules}>
            <UsdInput placeholder={t('common.unlimited')} data-testid="plan-limit-spendUsd" />
          </Form.Item>
        </Col>
      </Row>
    </FormModal>
  );
}
