import type { Schema } from '@gateway/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';
import type { Role } from '../../../auth/roles';

export type User = Schema<'UserView'>;
export type CreateUser = Schema<'CreateUserDto'>;
export type UpdateUser = Schema<'UpdateUserDto'>;

export interface UserFilters {
  tenantId?: string;
  role?: Role;
}

export function useUsers(page: number, pageSize: number, filters: UserFilters) {
  const query = { page, pageSize, ...filters };
  return useQuery({
    queryKey: queryKeys.users.list(query),
    queryFn: () => unwrap(api.GET('/api/users', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

function useInvalidateUsers() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.users.all });
    void queryClient.invalidateQueries({ queryKey: queryKeys.counts });
  };
}

export function useCreateUser() {
  const onSuccess = useInvalidateUsers();
  return useMutation({
    mutationFn: (body: CreateUser) => unwrap(api.POST('/api/users', { body })),
    onSuccess,
  });
}

export function useUpdateUser() {
  const onSuccess = useInvalidateUsers();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateUser }) =>
      unwrap(api.PATCH('/api/users/{id}', { params: { path: { id } }, body })),
    onSuccess,
  });
}

export function useDeleteUser() {
  const onSuccess = useInvalidateUsers();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/users/{id}', { params: { path: { id } } })),
    onSuccess,
  });
}
