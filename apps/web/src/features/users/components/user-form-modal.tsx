// Create a user (a super admin for any tenant, owners and admins for their own) or edit one: role,
// name, disabled, a new password. Roles offered are the ones the actor may hand out.
import { Form, Input, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { MANAGEABLE_ROLES, type Role } from '../../../auth/roles';
import { useCurrentUser } from '../../../auth/session';
import { FormModal } from '../../../components/form-modal';
import { useServerErrors } from '../../../components/server-errors';
import { TenantSelect } from '../../tenants/components/tenant-select';
import { type User, useCreateUser, useUpdateUser } from '../api/users-api';

interface UserFormValues {
  email: string;
  password?: string;
  name?: string;
  role: Role;
  tenantId?: string;
  disabled?: boolean;
}

interface UserFormModalProps {
  open: boolean;
  user?: User;
  defaultTenantId?: string;
  onClose: () => void;
  onSaved: (user: User) => void;
}

export function UserFormModal({ open, user, defaultTenantId, onClose, onSaved }: UserFormModalProps) {
  const { t } = useTranslation();
  const actor = useCurrentUser();
  const [form] = Form.useForm<UserFormValues>();
  const { formError, onError, clear } = useServerErrors(form);
  const create = useCreateUser();
  const update = useUpdateUser();
  const isSuperAdmin = actor.role === 'super_admin';
  const role = Form.useWatch('role', form);

  const submit = (values: UserFormValues) => {
    clear();
    const tenantId = isSuperAdmin ? (values.role === 'super_admin' ? null : values.tenantId) : undefined;
    if (user) {
      update.mutate(
        {
          id: user.id,
          body: {
            role: values.role,
            name: values.name?.trim() || null,
            disabled: values.disabled,
            ...(values.password ? { password: values.password } : {}),
            ...(isSuperAdmin ? { tenantId } : {}),
          },
        },
        { onSuccess: onSaved, onError },
      );
    } else {
      create.mutate(
        {
          email: values.email.trim(),
          password: values.password ?? '',
          role: values.role,
          ...(values.name?.trim() ? { name: values.name.trim() } : {}),
          ...(isSuperAdmin ? { tenantId } : {}),
        },
        { onSuccess: onSaved, onError },
      );
    }
  };

  return (
    <FormModal<UserFormValues>
      form={form}
      open={open}
      title={user ? t('users.editTitle', { email: user.email }) : t('users.createTitle')}
      okText={user ? t('common.save') : t('users.create')}
      okTestId="user-save"
      saving={create.isPending || update.isPending}
      formError={formError}
      onClose={onClose}
      onFinish={submit}
      initialValues={
        user
          ? {
              email: user.email,
              name: user.name ?? '',
              role: user.role,
              tenantId: user.tenantId ?? undefined,
              disabled: user.disabled,
            }
          : { role: 'member', tenantId: defaultTenantId }
      }
    >
      <Form.Item
        name="email"
        label={t('users.email')}
        rules={[{ required: true, type: 'email', message: t('login.emailRequired') }]}
      >
        <Input disabled={Boolean(user)} autoComplete="off" data-testid="user-email" />
      </Form.Item>
      <Form.Item name="name" label={t('users.name')}>
        <Input />
      </Form.Item>
      <Form.Item
        name="password"
        label={user ? t('users.newPassword') : t('users.password')}
        extra={t('users.passwordHint')}
        rules={user ? [] : [{ required: true, message: t('common.required') }]}
      >
        <Input.Password autoComplete="new-password" data-testid="user-password" />
      </Form.Item>
      <Form.Item name="role" label={t('users.role')} rules={[{ required: true }]}>
        <Select
          options={MANAGEABLE_ROLES[actor.role].map((value) => ({ value, label: t(`roles.${value}`) }))}
          data-testid="user-role"
        />
      </Form.Item>
      {isSuperAdmin && role !== 'super_admin' ? (
        <Form.Item
          name="tenantId"
          label={t('users.tenant')}
          rules={[{ required: true, message: t('users.tenantRequired') }]}
        >
          <TenantSelect data-testid="user-tenant" />
        </Form.Item>
      ) : null}
      {user ? (
        <Form.Item
          name="disabled"
          label={t('users.disabled')}
          valuePropName="checked"
          extra={t('users.disabledHint')}
        >
          <Switch />
        </Form.Item>
      ) : null}
    </FormModal>
  );
}
