// Pagination of a list inside a page (a panel, an expanded row) in component state: the URL's
// ?page&pageSize belong to the page's own list (usePageParams).
import type { TablePaginationConfig } from 'antd';
import { useState } from 'react';

type PaginationLook = Omit<TablePaginationConfig, 'current' | 'pageSize' | 'total' | 'onChange'>;

export function usePageState(initialPageSize: number, look: PaginationLook = {}) {
  const [state, setState] = useState({ page: 1, pageSize: initialPageSize });

  /** A filter changed the result set: back to page 1. */
  const firstPage = () => setState((current) => ({ ...current, page: 1 }));

  const pagination = (total: number | undefined): TablePaginationConfig => ({
    ...look,
    current: state.page,
    pageSize: state.pageSize,
    total: total ?? 0,
    onChange: (page, pageSize) => setState({ page, pageSize }),
  });

  return { page: state.page, pageSize: state.pageSize, firstPage, pagination };
}
