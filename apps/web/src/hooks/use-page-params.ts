// Server-side pagination state in the URL (?page&pageSize), so a page of a list can be linked and
// survives a reload; plus antd Table's pagination props for it.
import type { TablePaginationConfig } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

const DEFAULT_PAGE_SIZE = 20;
const PAGE_SIZES = [10, 20, 50, 100];

function positiveInt(value: string | null, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

export function usePageParams() {
  const { t } = useTranslation();
  const [search, setSearch] = useSearchParams();
  const page = positiveInt(search.get('page'), 1);
  const pageSize = Math.min(positiveInt(search.get('pageSize'), DEFAULT_PAGE_SIZE), 200);

  const setPage = useCallback(
    (nextPage: number, nextSize: number) =>
      setSearch((current) => {
        const next = new URLSearchParams(current);
        next.set('page', String(nextSize !== pageSize ? 1 : nextPage));
        next.set('pageSize', String(nextSize));
        return next;
      }),
    [setSearch, pageSize],
  );

  /** Filters change the result set: back to page 1. Several at once in one navigation. */
  const setFilters = useCallback(
    (values: Record<string, string | undefined>) =>
      setSearch((current) => {
        const next = new URLSearchParams(current);
        for (const [name, value] of Object.entries(values)) {
          if (value) next.set(name, value);
          else next.delete(name);
        }
        next.delete('page');
        return next;
      }),
    [setSearch],
  );
  const setFilter = useCallback(
    (name: string, value: string | undefined) => setFilters({ [name]: value }),
    [setFilters],
  );

  const pagination = (total: number | undefined): TablePaginationConfig => ({
    current: page,
    pageSize,
    total: total ?? 0,
    showSizeChanger: true,
    pageSizeOptions: PAGE_SIZES,
    showTotal: (count) => t('common.total', { count }),
    onChange: setPage,
  });

  return { page, pageSize, search, setFilter, setFilters, pagination };
}
