// The new token's full key, shown once (the api stores only its hash), with a copy button and how
// to use it.
import { Alert, Button, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CreatedToken } from '../api/tokens-api';

export function CreatedTokenModal({ token, onClose }: { token: CreatedToken | null; onClose: () => void }) {
  const { t } = useTranslation();
  const baseUrl = `${window.location.origin}/v1`;
  return (
    <Modal
      open={token !== null}
      title={t('tokens.createdTitle', { name: token?.name ?? '' })}
      onCancel={onClose}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={onClose} data-testid="created-token-done">
          {t('tokens.storedIt')}
        </Button>
      }
      width={640}
    >
      {token ? (
        <>
          <Alert type="warning" showIcon title={t('tokens.shownOnce')} style={{ marginBottom: 16 }} />
          <Typography.Paragraph
            copyable={{ text: token.key, tooltips: [t('common.copy'), t('common.copied')] }}
            code
            style={{ fontSize: 15, wordBreak: 'break-all' }}
            data-testid="created-token-key"
          >
            {token.key}
          </Typography.Paragraph>
          <Typography.Paragraph type="secondary">{t('tokens.howToUse')}</Typography.Paragraph>
          <pre style={{ whiteSpace: 'pre-wrap', fontSize: 12, margin: 0 }}>
            {`OPENAI_BASE_URL=${baseUrl}\nOPENAI_API_KEY=${token.key}`}
          </pre>
        </>
      ) : null}
    </Modal>
  );
}
