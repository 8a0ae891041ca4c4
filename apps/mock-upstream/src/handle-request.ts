import type { IncomingMessage, ServerResponse } from 'node:http';
import { sleep } from './abortable-sleep';
import { BehaviourError, parseBehaviour, type MockBehaviour } from './behaviour';
import { dropConnection } from './exchange';
import { HttpError } from './http-error';
import type { RecordedRequest } from './recorded-request';
import { parseJsonObject, readBody } from './request-body';
import { headerText } from './request-headers';
import { findRoute, formatOfPath, type Route } from './routes';
import { sendJson } from './send-json';
import { deliverBinary } from './media/binary-delivery';
import { readMultipartForm } from './media/multipart-form';
import { deliverStream } from './stream-delivery';
import type { UpstreamState } from './upstream-state';
import type { WireFormat } from './wire-format';

const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** OpenAI's upload limit is 25 MB for audio, 50 MB per image. */
const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

export function handleRequest(state: UpstreamState, req: IncomingMessage, res: ServerResponse): void {
  const record = state.open(req);
  const controller = new AbortController();
  state.inFlight.start();
  res.on('close', () => {
    record.endedAt = Date.now();
    if (!res.writableFinished && !record.dropped) record.aborted = true;
    // Wakes every wait of this request (latency, chunk delays, drain), clearing its timers.
    controller.abort();
    state.inFlight.finish();
  });
  // A write racing a disconnect can error; 'close' already records the disconnect, and an
  // unhandled 'error' would bring down the whole test process.
  res.on('error', () => undefined);
  const method = req.method ?? 'GET';
  const route = findRoute(method, record.path, req.headers);
  const format = route?.format ?? formatOfPath(record.path);
  res.setHeader('x-request-id', `req_mock_${record.seq}`);
  if (format.requestIdHeader !== undefined) res.setHeader(format.requestIdHeader, `req_mock_${record.seq}`);
  answer(state, req, res, record, route, controller.signal).catch((error: unknown) =>
    answerFailure(res, record, format, controller.signal, error),
  );
}

async function answer(
  state: UpstreamState,
  req: IncomingMessage,
  res: ServerResponse,
  record: RecordedRequest,
  route: Route | undefined,
  signal: AbortSignal,
): Promise<void> {
  if (route === undefined)
    throw new HttpError(404, `Invalid URL (${record.method} ${record.path})`, 'invalid_request_error');
  const { format } = route;
  const form = route.multipart === true ? await readMultipartForm(req, MAX_UPLOAD_BYTES) : undefined;
  const raw = route.hasBody && form === undefined ? await readBody(req, MAX_BODY_BYTES) : undefined;

  const query = new URLSearchParams(queryOf(req.url));
  const apiKey = format.apiKey(req, query);
  record.apiKey = apiKey;
  if (apiKey === undefined) throw format.missingKey();
  format.checkHeaders?.(req);
  const mockHeader = headerText(req.headers['x-mock']);
  let requested = requestedBehaviour(apiKey, mockHeader);
  record.behaviour = requested;
  const body = form ?? (raw === undefined ? {} : parseJsonObject(raw));
  if (raw !== undefined || form !== undefined) record.body = body;
  // Options after the model name (`m;status=429`) apply to that model only: one key, models that differ.
  const modelOptions = typeof body.model === 'string' ? body.model.split(';').slice(1).join(';') : '';
  if (modelOptions !== '') {
    requested = requestedBehaviour(`${apiKey};${modelOptions}`, mockHeader);
    record.behaviour = requested;
  }

  const response = route.endpoint({
    body,
    behaviour: requested,
    seq: record.seq,
    created: Math.floor(Date.now() / 1000),
    query,
  });
  // Counted only now, so requests the mock refused as invalid do not use up a `fail` budget.
  const behaviour = state.failBudget.apply(`${apiKey}\n${mockHeader ?? ''}\n${modelOptions}`, requested);
  record.behaviour = behaviour;
  record.stream = response.kind === 'stream';
  const exchange = { res, record, behaviour, signal };

  if (behaviour.hang) return; // the connection's close ends the request; nothing to clean up
  const promptTokens = response.usage?.prompt_tokens ?? 0;
  if (behaviour.context !== undefined && promptTokens > behaviour.context) {
    const error = format.contextError(promptTokens, behaviour.context);
    sendJson(res, record, error.status, format.errorBody(error, record.seq), error.headers);
    return;
  }
  if (behaviour.status !== 200) {
    await sleep(behaviour.latency, signal);
    const error = format.simulatedError(behaviour.status, behaviour.retryAfter);
    sendJson(res, record, error.status, format.errorBody(error, record.seq), error.headers);
    return;
  }
  record.usage = response.usage;
  if (response.kind === 'stream')
    return deliverStream(exchange, response.steps, response.framing ?? format.stream);
  if (response.kind === 'binary') return deliverBinary(exchange, response);
  await sleep(behaviour.latency, signal);
  if (behaviour.drop !== undefined) return dropConnection(exchange);
  if (response.kind === 'text') {
    record.status = 200;
    res.writeHead(200, {
      'content-type': response.contentType,
      'content-length': Buffer.byteLength(response.text),
    });
    res.end(response.text);
    return;
  }
  sendJson(res, record, 200, response.body);
}

function queryOf(url: string | undefined): string {
  const start = url?.indexOf('?') ?? -1;
  return url === undefined || start < 0 ? '' : url.slice(start + 1);
}

function requestedBehaviour(apiKey: string, mockHeader: string | undefined): MockBehaviour {
  try {
    return parseBehaviour(apiKey, mockHeader);
  } catch (error) {
    if (!(error instanceof BehaviourError)) throw error;
    throw HttpError.invalidRequest(error.message, error.option, 'mock_invalid_option');
  }
}

/** Answers an error if still possible; the mock must survive anything a test throws at it. */
function answerFailure(
  res: ServerResponse,
  record: RecordedRequest,
  format: WireFormat,
  signal: AbortSignal,
  error: unknown,
): void {
  if (signal.aborted) return; // the connection is gone: nobody to answer
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const httpError =
    error instanceof HttpError
      ? error
      : new HttpError(
          500,
          `mock-upstream failed: ${error instanceof Error ? error.message : String(error)}`,
          'server_error',
        );
  sendJson(res, record, httpError.status, format.errorBody(httpError, record.seq), httpError.headers);
}
