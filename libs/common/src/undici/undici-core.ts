// undici's connection pool and request API, loaded from undici's own files rather than its entry
// point (issue #16, idle memory). `require('undici')` also builds fetch, WebSocket, EventSource, the
// cache, the mock layer and every proxy agent: 4.5 MB of heap in each process that loads it (the
// api and the worker both do), where the relay and the probes use an Agent and `request`, 1.6 MB.
// An entry of its own (`@gateway/common/undici`): what imports `@gateway/common` does not load it.
// The paths are undici's, at the version package-lock.json pins; undici-core.spec.ts fails if an
// upgrade moves them or changes what they export.
import type * as Undici from 'undici';

const AgentClass = require('undici/lib/dispatcher/agent') as typeof Undici.Agent;
const apiRequest = require('undici/lib/api/api-request') as (
  this: Undici.Dispatcher,
  options: Undici.Dispatcher.RequestOptions,
) => Promise<Undici.Dispatcher.ResponseData>;
const { parseURL } = require('undici/lib/core/util') as { parseURL: (url: string) => URL };
const { getGlobalDispatcher: globalDispatcher } = require('undici/lib/global') as {
  getGlobalDispatcher: () => Undici.Dispatcher;
};

/** undici's Agent: a connection pool per origin. */
export const Agent = AgentClass;
export type Dispatcher = Undici.Dispatcher;
export type ResponseData = Undici.Dispatcher.ResponseData;

export type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path'> & {
  /** undici's process-wide Agent (the one `fetch` shares) when absent. */
  dispatcher?: Undici.Dispatcher;
};

/**
 * `request(url, options)` as undici's entry point exports it: the URL checked as undici checks it
 * (http or https, an InvalidArgumentError otherwise), sent through `options.dispatcher`.
 */
export function request(url: string, options: RequestOptions): Promise<ResponseData> {
  const target = parseURL(url);
  const { dispatcher = globalDispatcher(), ...rest } = options;
  // `rest` is this call's own copy: the options are copied once per request, as undici's entry does.
  return apiRequest.call(
    dispatcher,
    Object.assign(rest, {
      origin: target.origin,
      path: target.search ? `${target.pathname}${target.search}` : target.pathname,
    }),
  );
}
