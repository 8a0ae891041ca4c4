// A tenant's money: balance, ledger, top-ups and adjustments, redemption codes.
import type { Schema } from '@gateway/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';

export type LedgerEntry = Schema<'LedgerEntryView'>;
export type LedgerKind = LedgerEntry['kind'];
export type RedemptionCode = Schema<'RedemptionCodeView'>;
export type CreatedRedemptionCodes = Schema<'CreatedRedemptionCodesView'>;
export type CreateRedemptionCodes = Schema<'CreateRedemptionCodesDto'>;

export const LEDGER_KINDS: readonly LedgerKind[] = [
  'topup',
  'redemption',
  'adjustment',
  'refund',
  'usage',
  'plan_allowance',
];

export function useBalance(tenantId: string | undefined) {
  return useQuery({
    queryKey: queryKeys.billing.balance(tenantId ?? ''),
    queryFn: () => unwrap(api.GET('/api/tenants/{id}/balance', { params: { path: { id: tenantId ?? '' } } })),
    enabled: Boolean(tenantId),
  });
}

export function useLedger(tenantId: string | undefined, page: number, pageSize: number, kind?: LedgerKind) {
  const query = { page, pageSize, kind };
  return useQuery({
    queryKey: queryKeys.billing.ledger(tenantId ?? '', query),
    queryFn: () =>
      unwrap(api.GET('/api/tenants/{id}/ledger', { params: { path: { id: tenantId ?? '' }, query } })),
    enabled: Boolean(tenantId),
    placeholderData: keepPreviousData,
  });
}

function useInvalidateBilling() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.billing.all });
    void queryClient.invalidateQueries({ queryKey: queryKeys.tenants.all });
  };
}

export type CreditKind = 'topup' | 'adjustment';

/**
 * A top-up (amount > 0, optional note) or an adjustment (signed amount, note required), under the
 * dialog's Idempotency-Key so that a save sent again after a lost answer credits once.
 */
export function useCredit(tenantId: string) {
  const onSuccess = useInvalidateBilling();
  return useMutation({
    mutationFn: ({
      kind,
      amountUsd,
      note,
      idempotencyKey,
    }: {
      kind: CreditKind;
      amountUsd: string;
      note?: string;
      idempotencyKey: string;
    }) => {
      const params = { path: { id: tenantId }, header: { 'Idempotency-Key': idempotencyKey } };
      return kind === 'topup'
        ? unwrap(api.POST('/api/tenants/{id}/topups', { params, body: { amountUsd, note } }))
        : unwrap(
            api.POST('/api/tenants/{id}/adjustments', { params, body: { amountUsd, note: note ?? '' } }),
          );
    },
    onSuccess,
  });
}

/** Redeems a code; the form's Idempotency-Key makes a redeem sent again after a lost answer say it worked. */
export function useRedeem() {
  const onSuccess = useInvalidateBilling();
  return useMutation({
    mutationFn: ({ idempotencyKey, ...body }: { code: string; tenantId?: string; idempotencyKey: string }) =>
      unwrap(
        api.POST('/api/redemption-codes/redeem', {
          params: { header: { 'Idempotency-Key': idempotencyKey } },
          body,
        }),
      ),
    onSuccess,
  });
}

export function useRedemptionCodes(page: number, pageSize: number, status?: RedemptionCode['status']) {
  const query = { page, pageSize, status };
  return useQuery({
    queryKey: queryKeys.billing.codes(query),
    queryFn: () => unwrap(api.GET('/api/redemption-codes', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** A batch of codes; the dialog's Idempotency-Key makes a save sent again after a lost answer one batch. */
export function useCreateRedemptionCodes() {
  const onSuccess = useInvalidateBilling();
  return useMutation({
    mutationFn: ({ idempotencyKey, ...body }: CreateRedemptionCodes & { idempotencyKey: string }) =>
      unwrap(
        api.POST('/api/redemption-codes', {
          params: { header: { 'Idempotency-Key': idempotencyKey } },
          body,
        }),
      ),
    onSuccess,
  });
}

export function useDisableRedemptionCode() {
  const onSuccess = useInvalidateBilling();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/redemption-codes/{id}/disable', { params: { path: { id } } })),
    onSuccess,
  });
}

export function useDisableRedemptionBatch() {
  const onSuccess = useInvalidateBilling();
  return useMutation({
    mutationFn: (batchId: string) =>
      unwrap(api.POST('/api/redemption-codes/batches/{batchId}/disable', { params: { path: { batchId } } })),
    onSuccess,
  });
}
