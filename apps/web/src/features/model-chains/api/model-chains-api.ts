import type { Schema } from '@gateway/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';

export type ModelChain = Schema<'ModelChainView'>;
export type CreateModelChain = Schema<'CreateModelChainDto'>;
export type UpdateModelChain = Schema<'UpdateModelChainDto'>;
export type GroupRouting = Schema<'GroupRoutingView'>;

export function useModelChains() {
  return useQuery({
    queryKey: queryKeys.modelChains.list,
    queryFn: () => unwrap(api.GET('/api/model-chains', { params: { query: { pageSize: 200 } } })),
  });
}

export function useGroupRouting(group: string) {
  return useQuery({
    queryKey: queryKeys.modelChains.routing(group),
    queryFn: () => unwrap(api.GET('/api/groups/{group}/routing', { params: { path: { group } } })),
  });
}

function useInvalidateChains() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.modelChains.all });
  };
}

export function useCreateModelChain() {
  const onSuccess = useInvalidateChains();
  return useMutation({
    mutationFn: (body: CreateModelChain) => unwrap(api.POST('/api/model-chains', { body })),
    onSuccess,
  });
}

export function useUpdateModelChain() {
  const onSuccess = useInvalidateChains();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateModelChain }) =>
      unwrap(api.PATCH('/api/model-chains/{id}', { params: { path: { id } }, body })),
    onSuccess,
  });
}

export function useDeleteModelChain() {
  const onSuccess = useInvalidateChains();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/model-chains/{id}', { params: { path: { id } } })),
    onSuccess,
  });
}

export function useSetDefaultChain() {
  const onSuccess = useInvalidateChains();
  return useMutation({
    mutationFn: ({ group, chain }: { group: string; chain: string | null }) =>
      unwrap(api.PUT('/api/groups/{group}/default-chain', { params: { path: { group } }, body: { chain } })),
    onSuccess,
  });
}

export function useSetHashedSessions() {
  const onSuccess = useInvalidateChains();
  return useMutation({
    mutationFn: ({ group, enabled }: { group: string; enabled: boolean }) =>
      unwrap(
        api.PUT('/api/groups/{group}/hashed-sessions', { params: { path: { group } }, body: { enabled } }),
      ),
    onSuccess,
  });
}
