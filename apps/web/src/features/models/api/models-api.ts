import type { Schema } from '@gateway/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';

export type CatalogModel = Schema<'CatalogModelView'>;
export type SetPrice = Schema<'SetPriceDto'>;
export type PricePreview = Schema<'PricePreviewView'>;

export interface TokenMix {
  promptTokens: string;
  cachedTokens: string;
  /** The part of promptTokens written to the provider's cache, apart from cachedTokens. */
  cacheWriteTokens: string;
  completionTokens: string;
  /** The reasoning part of completionTokens. */
  reasoningTokens: string;
}

export function useModels(page: number, pageSize: number, q?: string) {
  const query = { page, pageSize, q };
  return useQuery({
    queryKey: queryKeys.models.list(query),
    queryFn: () => unwrap(api.GET('/api/models', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function usePriceHistory(model: string) {
  const query = { page: 1, pageSize: 20 };
  return useQuery({
    queryKey: queryKeys.models.prices(model),
    queryFn: () => unwrap(api.GET('/api/models/{model}/prices', { params: { path: { model }, query } })),
  });
}

export function useSetPrice(model: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SetPrice) =>
      unwrap(api.PUT('/api/models/{model}/price', { params: { path: { model } }, body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.models.all }),
  });
}

/** What a request with this token mix costs at the model's current price (the api computes it). */
export function usePricePreview(model: string, mix: TokenMix, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.models.preview(model, { ...mix }),
    queryFn: () =>
      unwrap(api.GET('/api/models/{model}/price/preview', { params: { path: { model }, query: mix } })),
    enabled,
    placeholderData: keepPreviousData,
    retry: false,
  });
}
