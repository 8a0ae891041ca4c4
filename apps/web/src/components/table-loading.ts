import type { UseQueryResult } from '@tanstack/react-query';

/**
 * A table's spinner: on the first load and while another page or filter loads (the previous rows
 * stay visible as placeholder), not for a background refresh of rows already on screen.
 */
export function tableLoading(
  query: Pick<UseQueryResult, 'isPending' | 'isFetching' | 'isPlaceholderData'>,
): boolean {
  return query.isPending || (query.isFetching && query.isPlaceholderData);
}
