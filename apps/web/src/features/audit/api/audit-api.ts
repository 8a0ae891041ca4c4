import type { Schema } from '@gateway/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';

export type AuditEntry = Schema<'AuditLogView'>;

export interface AuditFilters {
  tenantId?: string;
  entityType?: string;
  action?: AuditEntry['action'];
  from?: string;
  to?: string;
}

export function useAuditLog(page: number, pageSize: number, filters: AuditFilters) {
  const query = { page, pageSize, ...filters };
  return useQuery({
    queryKey: queryKeys.audit.list(query),
    queryFn: () => unwrap(api.GET('/api/audit', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}
