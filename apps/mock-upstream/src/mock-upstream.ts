import { createServer, type Server } from 'node:http';
import { handleRequest } from './handle-request';
import type { RecordedRequest } from './recorded-request';
import { UpstreamState } from './upstream-state';

export interface MockUpstreamOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Keep a `RecordedRequest` per request (default true); the standalone server turns it off. */
  record?: boolean;
}

export interface MockUpstream {
  /** `http://host:port`. */
  url: string;
  /** `url + '/v1'`, the `baseURL` of an OpenAI client. */
  baseUrl: string;
  /** Every request received since the start or the last `reset()`, in arrival order. */
  requests: RecordedRequest[];
  /** Clears `requests` (in place) and the `fail` counters. */
  reset(): void;
  /** Resolves once every request received so far has ended (answered, dropped or abandoned). */
  settled(): Promise<void>;
  /** Stops listening and closes every connection, in flight or idle; safe to call twice. */
  close(): Promise<void>;
}

/** Starts a fake OpenAI-compatible provider; see the README for the behaviour options. */
export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const host = options.host ?? '127.0.0.1';
  const state = new UpstreamState(options.record ?? true);
  // noDelay: stream chunks go out as written, or Nagle would blur ttft and chunkDelay.
  const server = createServer({ noDelay: true }, (req, res) => handleRequest(state, req, res));
  const port = await listen(server, options.port ?? 0, host);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    baseUrl: `${url}/v1`,
    requests: state.requests,
    reset: () => state.reset(),
    settled: () => state.inFlight.settled(),
    close: () => (closing ??= closeServer(server)),
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // close() alone would wait for keep-alive and hanging connections; tests must not.
    server.closeAllConnections();
  });
}
