// Moving a NewAPI / one-api installation over from the console: a dry run that only reports, then the
// same request for real. The source is an uploaded SQLite file or a mysql:// / postgres:// URL.
import type { Schema } from '@gateway/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';

export type NewApiReport = Schema<'NewApiMigrationReport'>;
export type KindReport = Schema<'KindReportView'>;
export type NewApiSource = { file: File } | { url: string };

export interface NewApiImportRequest {
  source: NewApiSource;
  dryRun: boolean;
}

/** What a real run changes: every list the console shows of those kinds. */
const TOUCHED = [
  queryKeys.channels.all,
  queryKeys.users.all,
  queryKeys.tenants.all,
  queryKeys.tokens.all,
  queryKeys.billing.all,
  queryKeys.models.all,
  queryKeys.audit.all,
  queryKeys.counts,
];

export function useNewApiImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: queryKeys.imports.newapi,
    mutationFn: ({ source, dryRun }: NewApiImportRequest) => {
      // multipart/form-data: the api takes the file in `file`, or the database URL in `url`.
      const form = new FormData();
      form.append('dryRun', String(dryRun));
      if ('file' in source) form.append('file', source.file, source.file.name);
      else form.append('url', source.url.trim());
      return unwrap(api.POST('/api/imports/newapi', { body: {}, bodySerializer: () => form }));
    },
    onSuccess: (report) => {
      if (report.dryRun) return;
      for (const queryKey of TOUCHED) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
