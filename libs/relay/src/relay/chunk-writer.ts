// A committed stream's text written straight to the client's connection as HTTP/1.1 chunks (issue
// #16). Node's response frames each write of a chunked answer itself: four writes to the socket (the
// size, a line break, the bytes, a line break), held by a cork and sent as one `writev` of four
// buffers, with the records, arrays and callbacks each of them takes. Once the head is out and the
// response owns its connection, the same bytes can go as one string in one write, which Node encodes
// into the buffer of its system call (on the stack, up to 16 KB): no Buffer, no write records. The
// response's end (the zero-size chunk) is still Node's, so the answer ends, finishes and keeps its
// connection alive as any other.
import type { ClientResponse, DrainableWritable } from './client-response';

/** What Node's ServerResponse has beyond the narrowed ClientResponse (its types leave some out). */
interface ResponseConnection {
  /** The connection the response writes to; null until it owns it (a pipelined answer) and after. */
  readonly socket?: (DrainableWritable & { readonly writable: boolean }) | null;
  /** Node frames the body in chunks (HTTP/1.1 without a length); false for HTTP/1.0 or a set length. */
  readonly chunkedEncoding?: boolean;
}

/**
 * The connection `res`'s chunks can be written to directly: its head was sent, its body is chunked
 * and it owns a writable connection (whatever it wrote before is on it, in order). Null when Node
 * must frame the body itself (or the answer is over); the caller writes to `res` then.
 */
export function chunkConnection(res: ClientResponse): DrainableWritable | null {
  const { socket, chunkedEncoding } = res as ClientResponse & ResponseConnection;
  if (!res.headersSent || chunkedEncoding !== true || res.writableEnded) return null;
  if (socket === null || socket === undefined || !socket.writable) return null;
  return socket;
}

/**
 * Writes `text` (not empty: an empty chunk ends a chunked body) as one chunk. False when the
 * connection's buffer is full: wait for it to drain (`drained(connection)`) before writing more.
 */
export function writeChunk(connection: DrainableWritable, text: string): boolean {
  return connection.write(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
}
