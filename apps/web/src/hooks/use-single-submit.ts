// One save at a time from a form: a double click (or Enter, then the button) submits twice before
// the button has re-rendered as loading, and the second would top up, pay or create twice.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';

/**
 * Wraps a form's onFinish: a submit that started a mutation blocks the next until that save
 * answers (`saving` falls back to false) or `reset` changes (a dialog closing); a submit that
 * started none (the handler refused it) blocks nothing.
 */
export function useSingleSubmit<Values>(
  saving: boolean,
  onFinish: (values: Values) => void,
  reset?: unknown,
): (values: Values) => void {
  const queryClient = useQueryClient();
  const submitting = useRef(false);
  useEffect(() => {
    if (!saving) submitting.current = false;
  }, [saving, reset]);
  return useCallback(
    (values: Values) => {
      if (submitting.current) return;
      const before = queryClient.isMutating();
      onFinish(values);
      submitting.current = queryClient.isMutating() > before;
    },
    [queryClient, onFinish],
  );
}
