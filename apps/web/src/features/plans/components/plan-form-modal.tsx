// Create a plan or edit one: monthly fee, the usage allowance it includes, and its monthly limits
// (an empty limit is unlimited). A change applies to every subscriber at once.
import { type ButtonProps, Col, Form, Input, InputNumber, Modal, Row, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../../components/form-error';
import { useServerErrors } from '../../../components/server-errors';
import { PLAN_STATUSES, type Plan, type PlanLimits, useCreatePlan, useUpdatePlan } from '../api/plans-api';

/** USD as the api takes it: a decimal string ≥ 0, at most 9 places, at most 1,000,000. */
const PLAN_USD = /^(0|[1-9]\d{0,6})(\.\d{1,9})?$/;
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
  const usdRules = [{ pattern: PLAN_USD, message: t('plans.usdInvalid') }];

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
    <Modal
      open={open}
      title={plan ? t('plans.editTitle', { name: plan.name }) : t('plans.createTitle')}
      okText={plan ? t('common.save') : t('plans.create')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'plan-save' } as ButtonProps}
      confirmLoading={create.isPending || update.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      // The form instance outlives the modal: start the next create or edit from its own values.
      afterClose={() => form.resetFields()}
      destroyOnHidden
      width={640}
    >
      <Form<PlanFormValues>
        form={form}
        layout="vertical"
        onFinish={submit}
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
        <FormError message={formError} />
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
              <Input prefix="$" inputMode="decimal" data-testid="plan-price" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="includedUsd"
              label={t('plans.includedUsd')}
              extra={t('plans.includedHint')}
              rules={usdRules}
            >
              <Input prefix="$" inputMode="decimal" data-testid="plan-included" />
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
              <Input
                prefix="$"
                inputMode="decimal"
                placeholder={t('common.unlimited')}
                data-testid="plan-limit-spendUsd"
              />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
