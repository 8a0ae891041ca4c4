// The typed /api client. Types come from libs/contracts (generated from the OpenAPI document);
// the SPA authenticates with the httpOnly session cookie the login sets, so no token is handled here.
import type { paths } from '@gateway/contracts';
import createClient from 'openapi-fetch';
import { ApiError } from './api-error';

/** Fired when a request answers 401, so the app can drop the session and show the login page. */
export const SESSION_EXPIRED_EVENT = 'gateway:session-expired';

export const api = createClient<paths>({
  baseUrl: window.location.origin,
  credentials: 'same-origin',
  fetch: async (request) => {
    let response: Response;
    try {
      response = await fetch(request);
    } catch (cause) {
      // Offline, DNS, connection refused: an error with a status of 0 that the UI can explain.
      throw Object.assign(new ApiError(0, null), { cause });
    }
    const isLogin = new URL(request.url).pathname === '/api/auth/login';
    if (response.status === 401 && !isLogin) window.dispatchEvent(new Event(SESSION_EXPIRED_EVENT));
    return response;
  },
});

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Awaits an openapi-fetch call: its data, or an ApiError with the server's code and field errors. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(response.status, error);
  return data as T;
}
