// Runtime settings (super admin): the site's name and URL, whether sign-up is open, and the relay's
// retry and cooldown policy; every process applies a change at once. The public part (name, sign-up)
// is readable without logging in, for the login page and the header.
import type { Schema } from '@gateway/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../api/api-error';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';

export type Settings = Schema<'SettingsView'>;
export type UpdateSettings = Schema<'UpdateSettingsDto'>;
export type ExchangeRate = Settings['exchangeRates'][number];

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

const rateKey = (rate: Pick<ExchangeRate, 'currency' | 'period'>) => `${rate.currency} ${rate.period}`;

/**
 * Saves the exchange rates card: against the rows it showed, a DELETE per row removed and a PUT per
 * row added or changed, never the whole list (PATCH replaces it), so a rate a finance script set
 * while the page was open stays. A retry after a failure is safe: a PUT sets the same rate again, a
 * DELETE of a rate already gone (404) is done.
 */
export function useSaveExchangeRates() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ shown, edited }: { shown: ExchangeRate[]; edited: ExchangeRate[] }) => {
      const path = (rate: ExchangeRate) => ({
        params: { path: { currency: rate.currency, period: rate.period } },
      });
      const keep = new Set(edited.map(rateKey));
      for (const rate of shown.filter((row) => !keep.has(rateKey(row)))) {
        try {
          await unwrap(api.DELETE('/api/settings/exchange-rates/{currency}/{period}', path(rate)));
        } catch (error) {
          if (!isApiError(error) || error.status !== 404) throw error;
        }
      }
      const before = new Map(shown.map((rate) => [rateKey(rate), rate.rate]));
      for (const rate of edited.filter((row) => before.get(rateKey(row)) !== row.rate)) {
        await unwrap(
          api.PUT('/api/settings/exchange-rates/{currency}/{period}', {
            ...path(rate),
            body: { rate: rate.rate },
          }),
        );
      }
      return unwrap(api.GET('/api/settings'));
    },
    onSuccess: (settings) => queryClient.setQueryData(queryKeys.settings.all, settings),
    // Some rows may have been saved before one failed: the page shows what is stored.
    onError: () => void queryClient.invalidateQueries({ queryKey: queryKeys.settings.all }),
  });
}
