// The relay's HTTP client to upstreams: one undici Agent for the process, keeping connections
// alive per origin so a request does not pay a TCP (and TLS) handshake.
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Readable } from 'node:stream';
import {
  type AbortSignalLike,
  Agent,
  directReadConnector,
  exchange,
  type Exchange,
} from '@gateway/common/undici';

export interface UpstreamCall {
  url: string;
  headers: Record<string, string>;
  /** JSON text, or a stream (a media route's multipart upload, read from disk as it is sent). */
  body: string | Readable;
  signal: AbortSignalLike;
  /** Time allowed for the response headers. */
  headersTimeoutMs: number;
  /** Time allowed between two pieces of the body (so: the stall timeout of a stream). */
  bodyTimeoutMs: number;
}

export type UpstreamResponse = Exchange;

@Injectable()
export class UpstreamClient implements OnApplicationShutdown {
  private readonly agent = new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 300_000,
    // Reads reach undici's parser without Node's Readable in between (direct-reads.ts).
    connect: directReadConnector({ timeout: 10_000 }),
  });

  call(call: UpstreamCall): Promise<UpstreamResponse> {
    return exchange(call.url, {
      method: 'POST',
      headers: call.headers,
      body: call.body,
      signal: call.signal,
      dispatcher: this.agent,
      headersTimeout: call.headersTimeoutMs,
      bodyTimeout: call.bodyTimeoutMs,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close().catch(() => this.agent.destroy());
  }
}
