// Invoices: issued monthly invoices (and credit notes) of a tenant, their PDFs, and issuing a closed
// period's invoice on demand. Super admins see every tenant's; owners and finance their own.
import type { Schema } from '@gateway/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../../api/api-error';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';

export type Invoice = Schema<'InvoiceView'>;
export type InvoiceLine = Schema<'InvoiceLineView'>;
export type InvoicePayment = Schema<'InvoicePaymentView'>;
export type InvoiceRequest = Schema<'InvoiceRequestView'>;

export interface InvoiceFilters {
  tenantId?: string;
  /** "YYYY-MM" */
  period?: string;
}

export function useInvoices(page: number, pageSize: number, filters: InvoiceFilters) {
  const query = { page, pageSize, ...filters };
  return useQuery({
    queryKey: queryKeys.invoices.list(query),
    queryFn: () => unwrap(api.GET('/api/invoices', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/**
 * One invoice. Right after a generate request the worker may not have issued it yet (404), and its
 * PDF may still be rendering (pdfReady false): both are polled until they are there.
 */
export function useInvoice(id: string | undefined) {
  return useQuery({
    queryKey: queryKeys.invoices.detail(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/invoices/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: Boolean(id),
    retry: (failures, error) =>
      error instanceof ApiError && error.status === 404 ? failures < 15 : failures < 2,
    retryDelay: 1000,
    refetchInterval: (query) => (query.state.data && !query.state.data.pdfReady ? 2000 : false),
  });
}

/** The PDF's URL: the session cookie authenticates it, so a plain link downloads it. */
export const invoicePdfUrl = (id: string) => `/api/invoices/${encodeURIComponent(id)}/pdf`;

/**
 * Issues a closed period's invoice now (the worker does it). The dialog's Idempotency-Key makes a save
 * sent again after a lost answer request it once.
 */
export function useGenerateInvoice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ idempotencyKey, ...body }: Schema<'GenerateInvoiceDto'> & { idempotencyKey: string }) =>
      unwrap(
        api.POST('/api/invoices/generate', {
          params: { header: { 'Idempotency-Key': idempotencyKey } },
          body,
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.invoices.all }),
  });
}

/**
 * A credit note against an issued invoice (super admin); the worker issues it, like an invoice. The
 * dialog's Idempotency-Key makes a save sent again after a lost answer request it once.
 */
export function useIssueCreditNote(invoiceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ idempotencyKey, ...body }: Schema<'CreateCreditNoteDto'> & { idempotencyKey: string }) =>
      unwrap(
        api.POST('/api/invoices/{id}/credit-note', {
          params: { path: { id: invoiceId }, header: { 'Idempotency-Key': idempotencyKey } },
          body,
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.invoices.all }),
  });
}

export type InvoiceStatus = Invoice['status'];
export type InvoiceSettlement = Schema<'InvoiceSettlementView'>;

/**
 * Records a payment received for an invoice (super admin); the invoice's status follows. The
 * dialog's Idempotency-Key makes a save sent again after a lost answer record it once.
 */
export function useRecordPayment(invoiceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ idempotencyKey, ...body }: Schema<'RecordPaymentDto'> & { idempotencyKey: string }) =>
      unwrap(
        api.POST('/api/invoices/{id}/payments', {
          params: { path: { id: invoiceId }, header: { 'Idempotency-Key': idempotencyKey } },
          body,
        }),
      ),
    onSuccess: (invoice) => {
      queryClient.setQueryData(queryKeys.invoices.detail(invoiceId), invoice);
      void queryClient.invalidateQueries({ queryKey: queryKeys.invoices.all });
    },
  });
}

/** Emails an invoice again after its delivery was skipped or failed (super admin). */
export function useResendInvoice(invoiceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/invoices/{id}/deliveries', { params: { path: { id: invoiceId } } })),
    onSuccess: (invoice) => {
      queryClient.setQueryData(queryKeys.invoices.detail(invoiceId), invoice);
      void queryClient.invalidateQueries({ queryKey: queryKeys.invoices.all });
    },
  });
}

/** A month's invoices as CSV; the session cookie authenticates the plain link. */
export function invoicesCsvUrl(period: string, tenantId?: string): string {
  const query = new URLSearchParams({ period, ...(tenantId ? { tenantId } : {}) });
  return `/api/invoices.csv?${query.toString()}`;
}
