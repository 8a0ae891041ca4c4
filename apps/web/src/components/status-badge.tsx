import { useTranslation } from 'react-i18next';
import type { CheckState } from '../api/service-status';

interface StatusBadgeProps {
  state: CheckState;
  testId: string;
}

/** The translated state ("up", "down", …) as text; `data-state` carries the language-neutral value. */
export function StatusBadge({ state, testId }: StatusBadgeProps) {
  const { t } = useTranslation();
  return (
    <span className={`status-badge status-badge--${state}`} data-testid={testId} data-state={state}>
      {t(`status.state.${state}`)}
    </span>
  );
}
