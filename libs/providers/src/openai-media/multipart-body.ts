// A multipart/form-data body built for the upstream: the client's text fields (the model mapped)
// and its files, each read from where the relay stored it as the body is sent, so an upload is
// never held in memory whole. The length is known up front (Content-Length, no chunking).
import { randomBytes } from 'node:crypto';

export interface MultipartFilePart {
  field: string;
  filename: string;
  contentType: string;
  size: number;
  /** Opens the file's bytes; called once per body sent (each attempt re-reads it). */
  open(): AsyncIterable<Uint8Array>;
}

export interface MultipartBody {
  contentType: string;
  contentLength: number;
  /** A fresh stream of the body's bytes. */
  stream(): AsyncIterable<Uint8Array>;
}

export function multipartBody(
  fields: readonly (readonly [string, string])[],
  files: readonly MultipartFilePart[],
): MultipartBody {
  const boundary = `----gateway${randomBytes(12).toString('hex')}`;
  const fieldParts = fields.map(([name, value]) =>
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`,
      'utf8',
    ),
  );
  const fileHeads = files.map((file) =>
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.field)}"; filename="${quoted(file.filename)}"\r\n` +
        `Content-Type: ${file.contentType.replace(/[\r\n]/g, '')}\r\n\r\n`,
      'utf8',
    ),
  );
  const crlf = Buffer.from('\r\n');
  const closing = Buffer.from(`--${boundary}--\r\n`);
  const contentLength =
    fieldParts.reduce((sum, part) => sum + part.length, 0) +
    fileHeads.reduce((sum, head) => sum + head.length, 0) +
    files.reduce((sum, file) => sum + file.size + crlf.length, 0) +
    closing.length;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength,
    async *stream() {
      for (const part of fieldParts) yield part;
      for (const [index, file] of files.entries()) {
        yield fileHeads[index] as Buffer;
        for await (const chunk of file.open()) yield chunk;
        yield crlf;
      }
      yield closing;
    },
  };
}

/** A header's quoted-string: quotes and line breaks escaped as browsers do. */
function quoted(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
