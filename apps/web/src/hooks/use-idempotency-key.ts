// An Idempotency-Key for a dialog that moves money or issues codes: fresh at each opening, kept while a save is
// retried without an answer, renewed once the server answered one.
import { useCallback, useState } from 'react';
import { keepsIdempotencyKey, newIdempotencyKey } from './idempotency-key';

export interface IdempotencyKeyState {
  /** The key to send with the next save. */
  key: string;
  /** Call with a save's error: a new key unless the save may be retried as it was. */
  failed: (error: unknown) => void;
  /** Call after a save succeeded, when the form stays open for another. */
  renew: () => void;
}

export function useIdempotencyKey(open: boolean): IdempotencyKeyState {
  const [state, setState] = useState(() => ({ key: newIdempotencyKey(), open }));
  // A dialog opening is a new operation: its key is chosen as the render that opens it runs (React's
  // "adjusting state when a prop changes"), so the first save already sends it.
  if (state.open !== open) setState({ key: open ? newIdempotencyKey() : state.key, open });
  const renew = useCallback(() => setState((now) => ({ ...now, key: newIdempotencyKey() })), []);
  const failed = useCallback(
    (error: unknown) => {
      if (!keepsIdempotencyKey(error)) renew();
    },
    [renew],
  );
  return { key: state.key, failed, renew };
}
