// The dashboard's resource counts: each list's `total`, read with a one-row page.
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';
import { canSee, type Role } from '../../../auth/roles';

export interface ResourceCounts {
  tenants?: number;
  users?: number;
  channels?: number;
  tokens?: number;
  models?: number;
}

const ONE = { page: 1, pageSize: 1 };

export function useResourceCounts(role: Role) {
  return useQuery({
    queryKey: [...queryKeys.counts, role],
    queryFn: async (): Promise<ResourceCounts> => {
      const total = async (read: () => Promise<{ total: number }>) => (await read()).total;
      const [tenants, users, channels, tokens, models] = await Promise.all([
        canSee(role, 'tenants')
          ? total(() => unwrap(api.GET('/api/tenants', { params: { query: ONE } })))
          : undefined,
        canSee(role, 'users')
          ? total(() => unwrap(api.GET('/api/users', { params: { query: ONE } })))
          : undefined,
        canSee(role, 'channels')
          ? total(() => unwrap(api.GET('/api/channels', { params: { query: ONE } })))
          : undefined,
        canSee(role, 'tokens')
          ? total(() => unwrap(api.GET('/api/tokens', { params: { query: ONE } })))
          : undefined,
        canSee(role, 'models')
          ? total(() => unwrap(api.GET('/api/models', { params: { query: ONE } })))
          : undefined,
      ]);
      return { tenants, users, channels, tokens, models };
    },
  });
}
