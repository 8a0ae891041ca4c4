// The logged-in user: GET /api/auth/me (null when logged out), login and logout. The session itself
// is the httpOnly cookie the api sets; the SPA only ever knows who it belongs to.
import type { Schema } from '@gateway/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect } from 'react';
import { isApiError } from '../api/api-error';
import { api, SESSION_EXPIRED_EVENT, unwrap } from '../api/client';
import { queryKeys } from '../api/query-keys';

export type SessionUser = Schema<'UserView'>;

export function useSession() {
  return useQuery({
    queryKey: queryKeys.session,
    queryFn: async (): Promise<SessionUser | null> => {
      try {
        return await unwrap(api.GET('/api/auth/me'));
      } catch (error) {
        if (isApiError(error) && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 5 * 60_000,
    retry: false,
  });
}

/** A 401 anywhere means the session ended (expired, revoked, user disabled): back to the login page. */
export function useSessionExpiry(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const expire = () => {
      if (queryClient.getQueryData(queryKeys.session) === null) return;
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== queryKeys.session[0] });
      queryClient.setQueryData(queryKeys.session, null);
    };
    window.addEventListener(SESSION_EXPIRED_EVENT, expire);
    return () => window.removeEventListener(SESSION_EXPIRED_EVENT, expire);
  }, [queryClient]);
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Schema<'LoginDto'>) => unwrap(api.POST('/api/auth/login', { body })),
    onSuccess: (result) => {
      queryClient.clear();
      queryClient.setQueryData(queryKeys.session, result.user);
    },
  });
}

/** Sign-up (when the operators opened it): a new tenant with the caller as its owner, who logs in next. */
export function useRegister() {
  return useMutation({
    mutationFn: (body: Schema<'RegisterDto'>) => unwrap(api.POST('/api/auth/register', { body })),
  });
}

/** What the register page hands the login page (router state) after a sign-up. */
export interface RegisteredState {
  registered: string;
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/auth/logout')),
    onSettled: () => {
      queryClient.clear();
      queryClient.setQueryData(queryKeys.session, null);
    },
  });
}

export const CurrentUserContext = createContext<SessionUser | null>(null);

/** The logged-in user, inside the pages behind <RequireSession>. */
export function useCurrentUser(): SessionUser {
  const user = useContext(CurrentUserContext);
  if (!user) throw new Error('useCurrentUser outside <RequireSession>');
  return user;
}
