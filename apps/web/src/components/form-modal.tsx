// A dialog around one form: OK submits it, a save in flight spins the OK button (and a second submit
// is dropped until it answers), the part of a failed save that belongs to no field stands above the
// fields, and closing starts the next opening afresh.
import { useQueryClient } from '@tanstack/react-query';
import { type ButtonProps, Form, type FormInstance, type FormProps, Modal } from 'antd';
import { type ReactNode, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from './form-error';

interface FormModalProps<Values> {
  form: FormInstance<Values>;
  open: boolean;
  title: ReactNode;
  okText: string;
  /** data-testid of the OK button */
  okTestId: string;
  okDisabled?: boolean;
  saving: boolean;
  /** useServerErrors' formError */
  formError: string | null;
  onClose: () => void;
  onFinish: (values: Values) => void;
  initialValues?: FormProps<Values>['initialValues'];
  width?: number;
  children: ReactNode;
}

export function FormModal<Values>({
  form,
  open,
  title,
  okText,
  okTestId,
  okDisabled,
  saving,
  formError,
  onClose,
  onFinish,
  initialValues,
  width,
  children,
}: FormModalProps<Values>) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  // A double click (or Enter then OK) submits twice before `saving` has re-rendered the button: the
  // second submit would top up twice or record a payment twice. A submit that started a mutation
  // blocks the next until that save answers (`saving` falls back) or the dialog closes.
  const submitting = useRef(false);
  useEffect(() => {
    if (!saving) submitting.current = false;
  }, [saving, open]);
  const finish = (values: Values) => {
    if (submitting.current) return;
    const before = queryClient.isMutating();
    onFinish(values);
    submitting.current = queryClient.isMutating() > before;
  };
  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: okDisabled, 'data-testid': okTestId } as ButtonProps}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      // The form instance outlives the modal: the next create or edit starts from its own values.
      afterClose={() => form.resetFields()}
      width={width}
      destroyOnHidden
    >
      <Form<Values> form={form} layout="vertical" initialValues={initialValues} onFinish={finish}>
        <FormError message={formError} />
        {children}
      </Form>
    </Modal>
  );
}
