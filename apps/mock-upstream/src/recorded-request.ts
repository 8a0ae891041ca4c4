import type { IncomingHttpHeaders } from 'node:http';
import type { MockBehaviour } from './behaviour';
import type { Usage } from './mock-response';

/** What the mock saw and did for one request; updated in place while the request is in flight. */
export interface RecordedRequest {
  /** Sequence number within this mock, also in the `x-request-id` header and the response ids. */
  seq: number;
  method: string;
  /** The URL path without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The bearer token received, undefined without one. */
  apiKey: string | undefined;
  /** The behaviour applied (after `fail` was accounted for); undefined if the request was refused before. */
  behaviour: MockBehaviour | undefined;
  /** The parsed JSON body; undefined for bodiless or unparsable requests. */
  body: unknown;
  stream: boolean;
  /** The status sent; 0 while (or if) no response headers were sent. */
  status: number;
  /** The usage the mock computed for the answer, whether or not `usage=0` left it out of the response. */
  usage: Usage | undefined;
  /** The connection closed before the response was complete, and not because of `drop`. */
  aborted: boolean;
  /** The mock cut the connection on purpose (`drop`). */
  dropped: boolean;
  /** `data:` chunks written to a stream, `[DONE]` excluded. */
  chunksSent: number;
  /** `Date.now()` when the request arrived. */
  startedAt: number;
  /** `Date.now()` when the response finished or the connection closed; undefined while in flight. */
  endedAt: number | undefined;
}

export function newRecord(
  seq: number,
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
): RecordedRequest {
  const query = url.indexOf('?');
  return {
    seq,
    method,
    path: query < 0 ? url : url.slice(0, query),
    headers,
    apiKey: undefined,
    behaviour: undefined,
    body: undefined,
    stream: false,
    status: 0,
    usage: undefined,
    aborted: false,
    dropped: false,
    chunksSent: 0,
    startedAt: Date.now(),
    endedAt: undefined,
  };
}
