import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CheckState } from '../api/service-status';

const COLOR: Record<CheckState, string> = {
  loading: 'default',
  up: 'success',
  down: 'error',
  error: 'warning',
};

interface StatusBadgeProps {
  state: CheckState;
  testId: string;
}

/** The translated state ("up", "down", …) as text; `data-state` carries the language-neutral value. */
export function StatusBadge({ state, testId }: StatusBadgeProps) {
  const { t } = useTranslation();
  return (
    <Tag color={COLOR[state]} data-testid={testId} data-state={state} style={{ marginInlineEnd: 0 }}>
      {t(`status.state.${state}`)}
    </Tag>
  );
}
