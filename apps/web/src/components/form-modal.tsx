// A dialog around one form: OK submits it, a save in flight spins the OK button (and a second submit
// is dropped until it answers), the part of a failed save that belongs to no field stands above the
// fields, and closing starts the next opening afresh.
import { type ButtonProps, Form, type FormInstance, type FormProps, Modal } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSingleSubmit } from '../hooks/use-single-submit';
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
  const finish = useSingleSubmit(saving, onFinish, open);
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
