// How long the api waits for a client to send its request. Node's own defaults (60 s for the
// headers, 300 s for the whole request, checked every 30 s) let a client that sends a byte now and
// then, with or without a key, hold a connection for over five minutes: enough of them fill a small
// host's sockets. The limits are the operator's (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS),
// checked every second; a late request gets Node's 408 and its connection is closed. Answers are
// not limited: a stream may take as long as its upstream does.
import type { Server } from 'node:http';

/** How often Node looks for connections past their limits; set before the server listens. */
const CHECK_EVERY_MS = 1_000;

export interface HttpTimeouts {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

export function applyHttpTimeouts(server: Server, timeouts: HttpTimeouts): void {
  server.headersTimeout = timeouts.headersTimeoutMs;
  server.requestTimeout = timeouts.requestTimeoutMs;
  // Read by Node when the server starts listening (it is not a public setter, hence the cast).
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = CHECK_EVERY_MS;
}
