import type { ServerResponse } from 'node:http';
import type { RecordedRequest } from './recorded-request';

export function sendJson(
  res: ServerResponse,
  record: RecordedRequest,
  status: number,
  body: object,
  headers: Readonly<Record<string, string>> = {},
): void {
  const payload = JSON.stringify(body);
  record.status = status;
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
