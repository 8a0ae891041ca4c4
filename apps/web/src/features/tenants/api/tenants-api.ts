import type { Schema } from '@gateway/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
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

/**
 * A tenant's name for its id where the tenants are loaded (`enabled`: the actor may list them), else
 * the id's first characters; no tenant (null) is the platform.
 */
export function useTenantName(enabled: boolean) {
  const { t } = useTranslation();
  const tenants = useTenantOptions(enabled);
  return (id: string | null) =>
    id === null
      ? t('users.platform')
      : (tenants.data?.items.find((tenant) => tenant.id === id)?.name ?? id.slice(0, 8));
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

/** One tenant (its billing profile included); members read their own. */
export function useTenant(id: string | undefined) {
  return useQuery({
    queryKey: queryKeys.tenants.detail(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/tenants/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: Boolean(id),
  });
}
