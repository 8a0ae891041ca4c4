import type { Schema } from '@gateway/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';

export type Token = Schema<'TokenView'>;
export type CreatedToken = Schema<'CreatedTokenView'>;
export type CreateToken = Schema<'CreateTokenDto'>;
export type UpdateToken = Schema<'UpdateTokenDto'>;

export function useTokens(page: number, pageSize: number, tenantId?: string, enabled = true) {
  const query = { page, pageSize, tenantId };
  return useQuery({
    queryKey: queryKeys.tokens.list(query),
    queryFn: () => unwrap(api.GET('/api/tokens', { params: { query } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

function useInvalidateTokens() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.tokens.all });
    void queryClient.invalidateQueries({ queryKey: queryKeys.counts });
  };
}

export function useCreateToken() {
  const onSuccess = useInvalidateTokens();
  return useMutation({
    mutationFn: (body: CreateToken) => unwrap(api.POST('/api/tokens', { body })),
    onSuccess,
  });
}

export function useUpdateToken() {
  const onSuccess = useInvalidateTokens();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateToken }) =>
      unwrap(api.PATCH('/api/tokens/{id}', { params: { path: { id } }, body })),
    onSuccess,
  });
}

export function useDeleteToken() {
  const onSuccess = useInvalidateTokens();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/tokens/{id}', { params: { path: { id } } })),
    onSuccess,
  });
}
