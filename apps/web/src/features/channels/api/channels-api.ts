import type { Schema } from '@gateway/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';

export type Channel = Schema<'ChannelView'>;
export type ChannelType = Channel['type'];
export type CreateChannel = Schema<'CreateChannelDto'>;
export type UpdateChannel = Schema<'UpdateChannelDto'>;
export type ChannelKey = Schema<'ChannelKeyView'>;
export type ChannelPreset = Schema<'ChannelPresetView'>;
export type ChannelTestResult = Schema<'ChannelTestResultView'>;
export type KeyHealth = ChannelKey['health'];
export type KeyProbe = Schema<'ChannelKeyProbeView'>;

export type CreateChannelKeys = Schema<'CreateChannelKeysDto'>;
export type UpdateChannelKey = Schema<'UpdateChannelKeyDto'>;

export interface ChannelFilters {
  q?: string;
  status?: Channel['status'];
  type?: ChannelType;
}

export function useChannels(page: number, pageSize: number, filters: ChannelFilters, enabled = true) {
  const query = { page, pageSize, ...filters };
  return useQuery({
    queryKey: queryKeys.channels.list(query),
    queryFn: () => unwrap(api.GET('/api/channels', { params: { query } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useChannel(id: string | undefined) {
  return useQuery({
    queryKey: queryKeys.channels.detail(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/channels/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: Boolean(id),
  });
}

export function useChannelPresets() {
  return useQuery({
    queryKey: queryKeys.channels.presets,
    queryFn: () => unwrap(api.GET('/api/channels/presets')),
    staleTime: Infinity,
  });
}

function useInvalidateChannels() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.channels.all });
    void queryClient.invalidateQueries({ queryKey: queryKeys.models.all });
    void queryClient.invalidateQueries({ queryKey: queryKeys.counts });
    // A chain's members are servable or not by the channels: an edit may have stranded one.
    void queryClient.invalidateQueries({ queryKey: queryKeys.modelChains.all });
  };
}

export function useCreateChannel() {
  const onSuccess = useInvalidateChannels();
  return useMutation({
    mutationFn: (body: CreateChannel) => unwrap(api.POST('/api/channels', { body })),
    onSuccess,
  });
}

export function useUpdateChannel() {
  const onSuccess = useInvalidateChannels();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateChannel }) =>
      unwrap(api.PATCH('/api/channels/{id}', { params: { path: { id } }, body })),
    onSuccess,
  });
}

export function useDeleteChannel() {
  const onSuccess = useInvalidateChannels();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/channels/{id}', { params: { path: { id } } })),
    onSuccess,
  });
}

export function useTestChannel() {
  const onSuccess = useInvalidateChannels();
  return useMutation({
    mutationFn: ({ id, model, keyId }: { id: string; model?: string; keyId?: string }) =>
      unwrap(api.POST('/api/channels/{id}/test', { params: { path: { id } }, body: { model, keyId } })),
    onSuccess,
  });
}

export function useChannelKeys(channelId: string, page: number, pageSize: number) {
  const query = { page, pageSize };
  return useQuery({
    queryKey: queryKeys.channels.keys(channelId, query),
    queryFn: () => unwrap(api.GET('/api/channels/{id}/keys', { params: { path: { id: channelId }, query } })),
    placeholderData: keepPreviousData,
  });
}

/** POST /api/channels/:id/keys: one or many keys, all or nothing. */
export function addChannelKeys(channelId: string, body: CreateChannelKeys) {
  return unwrap(
    api.POST('/api/channels/{id}/keys', {
      params: { path: { id: channelId } },
      body,
    }),
  );
}

export function useAddChannelKeys(channelId: string) {
  const onSuccess = useInvalidateChannels();
  return useMutation({
    mutationFn: (body: CreateChannelKeys) => addChannelKeys(channelId, body),
    onSuccess,
  });
}

export function useUpdateChannelKey(channelId: string) {
  const onSuccess = useInvalidateChannels();
  return useMutation({
    mutationFn: ({ keyId, body }: { keyId: string; body: UpdateChannelKey }) =>
      unwrap(
        api.PATCH('/api/channels/{id}/keys/{keyId}', {
          params: { path: { id: channelId, keyId } },
          body,
        }),
      ),
    onSuccess,
  });
}

export function useDeleteChannelKey(channelId: string) {
  const onSuccess = useInvalidateChannels();
  return useMutation({
    mutationFn: (keyId: string) =>
      unwrap(api.DELETE('/api/channels/{id}/keys/{keyId}', { params: { path: { id: channelId, keyId } } })),
    onSuccess,
  });
}

/** A key's health probe history, newest first. */
export function useKeyProbes(channelId: string, keyId: string, page: number, pageSize: number) {
  const query = { page, pageSize };
  return useQuery({
    queryKey: queryKeys.channels.probes(channelId, keyId, query),
    queryFn: () =>
      unwrap(
        api.GET('/api/channels/{id}/keys/{keyId}/probes', {
          params: { path: { id: channelId, keyId }, query },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** Ends a key's cooldown now, so the relay uses it on the next request. */
export function useResetKeyCooldown(channelId: string) {
  const onSuccess = useInvalidateChannels();
  return useMutation({
    mutationFn: (keyId: string) =>
      unwrap(
        api.POST('/api/channels/{id}/keys/{keyId}/reset-cooldown', {
          params: { path: { id: channelId, keyId } },
        }),
      ),
    onSuccess,
  });
}
