// Every TanStack Query key of the SPA, in one place: a mutation invalidates by the prefix it touched
// (`queryKeys.channels.all`), and a grep finds every reader of a resource.
export type ListParams = Record<string, string | number | undefined>;

export const queryKeys = {
  session: ['session'] as const,
  readiness: ['readiness'] as const,
  version: ['version'] as const,
  tenants: {
    all: ['tenants'] as const,
    list: (params: ListParams) => ['tenants', 'list', params] as const,
    detail: (id: string) => ['tenants', 'detail', id] as const,
  },
  users: {
    all: ['users'] as const,
    list: (params: ListParams) => ['users', 'list', params] as const,
  },
  tokens: {
    all: ['tokens'] as const,
    list: (params: ListParams) => ['tokens', 'list', params] as const,
  },
  channels: {
    all: ['channels'] as const,
    list: (params: ListParams) => ['channels', 'list', params] as const,
    detail: (id: string) => ['channels', 'detail', id] as const,
    presets: ['channels', 'presets'] as const,
    keys: (channelId: string, params: ListParams) => ['channels', 'keys', channelId, params] as const,
    probes: (channelId: string, keyId: string, params: ListParams) =>
      ['channels', 'probes', channelId, keyId, params] as const,
  },
  modelChains: {
    all: ['model-chains'] as const,
    list: ['model-chains', 'list'] as const,
    routing: (group: string) => ['model-chains', 'routing', group] as const,
  },
  models: {
    all: ['models'] as const,
    list: (params: ListParams) => ['models', 'list', params] as const,
    prices: (model: string) => ['models', 'prices', model] as const,
    preview: (model: string, mix: ListParams) => ['models', 'preview', model, mix] as const,
  },
  usage: {
    all: ['usage'] as const,
    summary: (params: ListParams) => ['usage', 'summary', params] as const,
    logs: (params: ListParams) => ['usage', 'logs', params] as const,
  },
  billing: {
    all: ['billing'] as const,
    balance: (tenantId: string) => ['billing', 'balance', tenantId] as const,
    ledger: (tenantId: string, params: ListParams) => ['billing', 'ledger', tenantId, params] as const,
    codes: (params: ListParams) => ['billing', 'codes', params] as const,
  },
  payments: {
    all: ['payments'] as const,
    /** the enabled ways to top up online */
    options: ['payments', 'options'] as const,
    providers: ['payments', 'providers'] as const,
    orders: (tenantId: string, params: ListParams) => ['payments', 'orders', tenantId, params] as const,
    order: (tenantId: string, orderId: string) => ['payments', 'order', tenantId, orderId] as const,
  },
  plans: {
    all: ['plans'] as const,
    list: (params: ListParams) => ['plans', 'list', params] as const,
    subscription: (tenantId: string) => ['plans', 'subscription', tenantId] as const,
    changesOf: (tenantId: string) => ['plans', 'changes', tenantId] as const,
    changes: (tenantId: string, params: ListParams) => ['plans', 'changes', tenantId, params] as const,
  },
  invoices: {
    all: ['invoices'] as const,
    list: (params: ListParams) => ['invoices', 'list', params] as const,
    detail: (id: string) => ['invoices', 'detail', id] as const,
  },
  settings: {
    all: ['settings'] as const,
    public: ['settings-public'] as const,
  },
  playground: {
    /** the models a pasted /v1 key may use */
    models: (key: string) => ['playground', 'models', key] as const,
  },
  imports: {
    /** the NewAPI / one-api import (a mutation: its dry run and its real run) */
    newapi: ['imports', 'newapi'] as const,
  },
  audit: {
    all: ['audit'] as const,
    list: (params: ListParams) => ['audit', 'list', params] as const,
  },
  /** The dashboard's resource counts (each list's `total`). */
  counts: ['counts'] as const,
};
