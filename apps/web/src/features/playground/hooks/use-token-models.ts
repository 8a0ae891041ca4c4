// The models a pasted /v1 key may use (GET /v1/models), asked once per key: only a key of the one
// shape the gateway authenticates is sent, and only once typing has paused, so a key typed by hand
// does not send a request per keystroke (nor per prefix of it).
import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../../api/query-keys';
import { useDebouncedValue } from '../../../hooks/use-debounced-value';
import { listModels } from '../api/chat-run';

/** `sk-` + 48 base62 characters, as libs/tokens makes them; the api refuses any other key unasked. */
const TOKEN_KEY_SHAPE = /^sk-[0-9A-Za-z]{48}$/;
const KEY_SETTLE_MS = 300;
/** A token's models change only when its allowlist or the channels change: rarely. */
const MODELS_STALE_MS = 5 * 60_000;

export function useTokenModels(key: string) {
  const settledKey = useDebouncedValue(key, KEY_SETTLE_MS);
  const complete = TOKEN_KEY_SHAPE.test(settledKey);
  const models = useQuery({
    queryKey: queryKeys.playground.models(settledKey),
    queryFn: ({ signal }) => listModels(settledKey, signal),
    enabled: complete,
    retry: false,
    staleTime: MODELS_STALE_MS,
  });
  return {
    models,
    /** The key typed differs from the one the list is for. */
    settling: settledKey !== key,
    /** Typing paused on something that cannot be a key (nothing was asked). */
    incomplete: settledKey !== '' && settledKey === key && !complete,
  };
}
