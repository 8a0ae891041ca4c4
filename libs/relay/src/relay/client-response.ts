// Where the relay writes a /v1 answer: the client's HTTP response, narrowed to what an answer needs
// (status, headers, body, backpressure). The HTTP request behind it is out of reach on purpose: the
// controller reads what the relay needs of it into a command.
import type { Writable } from 'node:stream';

/** What writeWithBackpressure needs of a stream. */
export type DrainableWritable = Pick<
  Writable,
  'write' | 'on' | 'off' | 'destroy' | 'destroyed' | 'writableEnded'
>;

export interface ClientResponse extends DrainableWritable {
  readonly headersSent: boolean;
  /** Holds writes until `uncork`, then sends them in one go (one system call, not one per write). */
  cork(): void;
  uncork(): void;
  status(code: number): void;
  setHeader(name: string, value: string): void;
  flushHeaders(): void;
  json(body: unknown): void;
  end(chunk?: string): void;
}
