// A paged list query as a table: the error (with a retry) above it, the spinner while a page loads,
// the query's rows and its total in the pagination.
import type { UseQueryResult } from '@tanstack/react-query';
import { Table, type TablePaginationConfig, type TableProps } from 'antd';
import { ErrorAlert } from './error-alert';
import { tableLoading } from './table-loading';

interface QueryTableProps<Row> extends Omit<TableProps<Row>, 'dataSource' | 'loading' | 'pagination'> {
  query: UseQueryResult<{ items: Row[]; total: number }>;
  /** The pagination for the list's total: usePageParams' (in the URL) or usePageState's (a panel's). */
  pagination: (total: number | undefined) => TablePaginationConfig;
}

export function QueryTable<Row extends object>({ query, pagination, ...table }: QueryTableProps<Row>) {
  return (
    <>
      {query.isError ? <ErrorAlert error={query.error} onRetry={() => void query.refetch()} /> : null}
      <Table<Row>
        scroll={{ x: 'max-content' }}
        {...table}
        dataSource={query.data?.items}
        loading={tableLoading(query)}
        pagination={pagination(query.data?.total)}
      />
    </>
  );
}
