// Plans (what a tenant pays monthly and what it may use) and a tenant's subscription to one:
// super admins write both; a tenant's owner, admin and finance read their own subscription.
import type { Schema } from '@gateway/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { isApiError } from '../../../api/api-error';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';

export type Plan = Schema<'PlanView'>;
export type PlanLimits = Plan['limits'];
export type PlanStatus = Plan['status'];
export type CreatePlan = Schema<'CreatePlanDto'>;
export type UpdatePlan = Schema<'UpdatePlanDto'>;
export type Subscription = Schema<'SubscriptionView'>;
export type SubscriptionChange = Schema<'SubscriptionChangeView'>;

export const PLAN_STATUSES: readonly PlanStatus[] = ['active', 'archived'];

export function usePlans(page: number, pageSize: number) {
  const query = { page, pageSize };
  return useQuery({
    queryKey: queryKeys.plans.list(query),
    queryFn: () => unwrap(api.GET('/api/plans', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** Every plan the caller may see (the api's largest page): for pickers and names in the history. */
export function usePlanOptions(enabled = true) {
  const query = { page: 1, pageSize: 200 };
  return useQuery({
    queryKey: queryKeys.plans.list(query),
    queryFn: () => unwrap(api.GET('/api/plans', { params: { query } })),
    enabled,
    staleTime: 60_000,
  });
}

function useInvalidatePlans() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: queryKeys.plans.all });
}

export function useCreatePlan() {
  const onSuccess = useInvalidatePlans();
  return useMutation({
    mutationFn: (body: CreatePlan) => unwrap(api.POST('/api/plans', { body })),
    onSuccess,
  });
}

export function useUpdatePlan() {
  const onSuccess = useInvalidatePlans();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdatePlan }) =>
      unwrap(api.PATCH('/api/plans/{id}', { params: { path: { id } }, body })),
    onSuccess,
  });
}

/** The tenant's subscription, or null when it has none (the api answers 404 no_subscription). */
export function useSubscription(tenantId: string | undefined) {
  return useQuery({
    queryKey: queryKeys.plans.subscription(tenantId ?? ''),
    queryFn: async (): Promise<Subscription | null> => {
      try {
        return await unwrap(
          api.GET('/api/tenants/{id}/subscription', { params: { path: { id: tenantId ?? '' } } }),
        );
      } catch (error) {
        if (isApiError(error) && error.code === 'no_subscription') return null;
        throw error;
      }
    },
    enabled: Boolean(tenantId),
  });
}

export function useSubscriptionChanges(tenantId: string | undefined, page: number, pageSize: number) {
  const query = { page, pageSize };
  return useQuery({
    queryKey: queryKeys.plans.changes(tenantId ?? '', query),
    queryFn: () =>
      unwrap(
        api.GET('/api/tenants/{id}/subscription/changes', {
          params: { path: { id: tenantId ?? '' }, query },
        }),
      ),
    enabled: Boolean(tenantId),
    placeholderData: keepPreviousData,
  });
}

function useInvalidateSubscription(tenantId: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.plans.subscription(tenantId) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.plans.changesOf(tenantId) });
  };
}

/** Subscribe the tenant, or switch its plan (a switch keeps the current period). */
export function useSetSubscription(tenantId: string) {
  const onSuccess = useInvalidateSubscription(tenantId);
  return useMutation({
    mutationFn: (body: Schema<'SetSubscriptionDto'>) =>
      unwrap(api.PUT('/api/tenants/{id}/subscription', { params: { path: { id: tenantId } }, body })),
    onSuccess,
  });
}

export function useEndSubscription(tenantId: string) {
  const onSuccess = useInvalidateSubscription(tenantId);
  return useMutation({
    mutationFn: () =>
      unwrap(api.DELETE('/api/tenants/{id}/subscription', { params: { path: { id: tenantId } } })),
    onSuccess,
  });
}
