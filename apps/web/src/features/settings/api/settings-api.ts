// Runtime settings (super admin): the site's name and URL, whether sign-up is open, and the relay's
// retry and cooldown policy; every process applies a change at once. The public part (name, sign-up)
// is readable without logging in, for the login page and the header.
import type { Schema } from '@gateway/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';

export type Settings = Schema<'SettingsView'>;
export type UpdateSettings = Schema<'UpdateSettingsDto'>;

/** The api's default site name: shown in the UI's language instead (t('app.name')). */
const DEFAULT_SITE_NAME = 'LLM Gateway';

export function useSettings() {
  return useQuery({
    queryKey: queryKeys.settings.all,
    queryFn: () => unwrap(api.GET('/api/settings')),
  });
}

export function usePublicSettings() {
  return useQuery({
    queryKey: queryKeys.settings.public,
    queryFn: () => unwrap(api.GET('/api/settings/public')),
    staleTime: 5 * 60_000,
    retry: false,
  });
}

/** The site's name as the operators set it, or the product's name in the UI's language. */
export function useSiteName(): string {
  const { t } = useTranslation();
  const name = usePublicSettings().data?.siteName;
  return name && name !== DEFAULT_SITE_NAME ? name : t('app.name');
}

export function useUpdateSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateSettings) => unwrap(api.PATCH('/api/settings', { body })),
    onSuccess: (settings) => {
      queryClient.setQueryData(queryKeys.settings.all, settings);
      void queryClient.invalidateQueries({ queryKey: queryKeys.settings.public });
    },
  });
}
