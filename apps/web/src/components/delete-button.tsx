// A row's delete: asks first, then says what happened (done, or why not).
import { DeleteOutlined } from '@ant-design/icons';
import { App, Button, Popconfirm } from 'antd';
import { useTranslation } from 'react-i18next';
import { describeError } from './error-alert';

interface DeleteButtonProps {
  /** the question, naming what goes */
  confirm: string;
  /** the message once it is gone */
  deleted: string;
  onDelete: () => Promise<unknown>;
}

export function DeleteButton({ confirm, deleted, onDelete }: DeleteButtonProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  return (
    <Popconfirm
      title={confirm}
      okText={t('common.delete')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true }}
      onConfirm={() =>
        onDelete()
          .then(() => void message.success(deleted))
          .catch((error: unknown) => void message.error(describeError(t, error)))
      }
    >
      <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
    </Popconfirm>
  );
}
