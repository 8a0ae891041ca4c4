// Online top-ups: the ways to pay (Stripe Checkout, EPay's Alipay and WeChat Pay), a tenant's
// orders, and the payment providers' settings (super admin; secrets are write-only).
import type { Schema } from '@gateway/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';

export type PaymentOption = Schema<'PaymentOptionView'>;
export type TopupOrder = Schema<'TopupOrderView'>;
export type PaymentProvider = Schema<'PaymentProviderView'>;
export type UpdateStripeProvider = Schema<'UpdateStripeProviderDto'>;
export type UpdateEpayProvider = Schema<'UpdateEpayProviderDto'>;
export type CreateTopupOrder = Schema<'CreateTopupOrderDto'>;

export function usePaymentOptions(enabled = true) {
  return useQuery({
    queryKey: queryKeys.payments.options,
    queryFn: () => unwrap(api.GET('/api/payments/options')),
    enabled,
  });
}

export function useTopupOrders(tenantId: string | undefined, page: number, pageSize: number) {
  const query = { page, pageSize };
  return useQuery({
    queryKey: queryKeys.payments.orders(tenantId ?? '', query),
    queryFn: () =>
      unwrap(api.GET('/api/tenants/{id}/topup-orders', { params: { path: { id: tenantId ?? '' }, query } })),
    enabled: Boolean(tenantId),
    placeholderData: keepPreviousData,
  });
}

/** One order, polled every 3 s while it is pending (the provider's notification may still come). */
export function useTopupOrder(tenantId: string | undefined, orderId: string | null) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.payments.order(tenantId ?? '', orderId ?? ''),
    queryFn: async () => {
      const order = await unwrap(
        api.GET('/api/tenants/{id}/topup-orders/{orderId}', {
          params: { path: { id: tenantId ?? '', orderId: orderId ?? '' } },
        }),
      );
      if (order.status === 'paid') void queryClient.invalidateQueries({ queryKey: queryKeys.billing.all });
      return order;
    },
    enabled: Boolean(tenantId && orderId),
    refetchInterval: (query) => (query.state.data?.status === 'pending' ? 3000 : false),
  });
}

export function useCreateTopupOrder(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    // The Idempotency-Key makes a save sent again after a lost answer open one checkout, not two.
    mutationFn: ({ idempotencyKey, ...body }: CreateTopupOrder & { idempotencyKey: string }) =>
      unwrap(
        api.POST('/api/tenants/{id}/topup-orders', {
          params: { path: { id: tenantId }, header: { 'Idempotency-Key': idempotencyKey } },
          body,
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.payments.all }),
  });
}

export function usePaymentProviders() {
  return useQuery({
    queryKey: queryKeys.payments.providers,
    queryFn: () => unwrap(api.GET('/api/payment-providers')),
  });
}

export function useUpdatePaymentProvider() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (
      change:
        { provider: 'stripe'; body: UpdateStripeProvider } | { provider: 'epay'; body: UpdateEpayProvider },
    ) =>
      change.provider === 'stripe'
        ? unwrap(api.PATCH('/api/payment-providers/stripe', { body: change.body }))
        : unwrap(api.PATCH('/api/payment-providers/epay', { body: change.body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.payments.all }),
  });
}
