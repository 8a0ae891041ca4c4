// The upstream call of a media request on an OpenAI-compatible channel: the route's path after the
// base URL, the model mapped, the body as the client sent it (JSON) or rebuilt (multipart).
import { applyModelMapping } from '../openai/request';
import type { UpstreamCallInput } from '../provider-adapter';
import { MEDIA_PATHS } from './media-endpoint';
import type { MediaRequest } from './media-request';
import { multipartBody, type MultipartBody, type MultipartFilePart } from './multipart-body';

export interface MediaCall {
  url: string;
  headers: Record<string, string>;
  /** JSON text, or a multipart body streamed from the stored upload. */
  body: string | MultipartBody;
}

export function prepareMediaCall(
  request: MediaRequest,
  input: Pick<UpstreamCallInput, 'upstreamModel' | 'baseUrl' | 'apiKey'>,
  files: readonly MultipartFilePart[] = [],
): MediaCall {
  const url = `${input.baseUrl.replace(/\/+$/, '')}${MEDIA_PATHS[request.endpoint]}`;
  const auth = { authorization: `Bearer ${input.apiKey}` };
  const accept = request.stream
    ? 'text/event-stream'
    : request.endpoint === 'audio.speech'
      ? '*/*'
      : 'application/json';
  if (request.kind === 'json') {
    const body = applyModelMapping({ ...request.body, model: request.model }, input.upstreamModel);
    return {
      url,
      headers: { ...auth, 'content-type': 'application/json', accept },
      body: JSON.stringify(body),
    };
  }
  const fields = request.fields.map(([name, value]) =>
    name === 'model' ? (['model', input.upstreamModel] as const) : ([name, value] as const),
  );
  const multipart = multipartBody(fields, files);
  return {
    url,
    headers: {
      ...auth,
      'content-type': multipart.contentType,
      'content-length': String(multipart.contentLength),
      accept,
    },
    body: multipart,
  };
}
