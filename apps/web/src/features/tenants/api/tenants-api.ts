import type { Schema } from '@gateway/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';

export type Tenant = Schema<'TenantView'>;
export type CreateTenant = Schema<'CreateTenantDto'>;
export type UpdateTenant = Schema<'UpdateTenantDto'>;

export function useTenants(page: number, pageSize: number) {
  return useQuery({
    queryKey: queryKeys.tenants.list({ page, pageSize }),
    queryFn: () => unwrap(api.GET('/api/tenants', { params: { query: { page, pageSize } } })),
    placeholderData: keepPreviousData,
  });
}

/** Every tenant (the api's largest page) for pickers and for showing names instead of ids. */
export function useTenantOptions(enabled = true) {
  return useQuery({
    queryKey: queryKeys.tenants.list({ page: 1, pageSize: 200 }),
    queryFn: () => unwrap(api.GET('/api/tenants', { params: { query: { page: 1, pageSize: 200 } } })),
    enabled,
    staleTime: 60_000,
  });
}

export function useCreateTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTenant) => unwrap(api.POST('/api/tenants', { body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.tenants.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.counts });
    },
  });
}

export function useUpdateTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateTenant }) =>
      unwrap(api.PATCH('/api/tenants/{id}', { params: { path: { id } }, body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.tenants.all }),
  });
}
