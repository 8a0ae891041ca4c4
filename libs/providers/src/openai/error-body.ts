// OpenAI's error body, as its SDKs read it: {"error":{message,type,code,param}}. Every /v1 error
// the gateway makes itself (the relay's and the api's) is shaped here.

export interface OpenAiErrorBody {
  error: { message: string; type: string; code: string; param: string | null };
}

/**
 * The error `type` for a status. OpenAI's SDKs choose their exception class by status alone and
 * pass `type` through, so `type` is for the caller to read: OpenAI's API sends `insufficient_quota`
 * when credit is exhausted and `invalid_request_error` for an unknown model (404 model_not_found).
 */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'insufficient_quota';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export interface OpenAiErrorInput {
  status: number;
  code: string;
  message: string;
  param?: string | null;
  /** An upstream's own `type`, kept when its answer is passed on; otherwise the status decides. */
  type?: string | null;
}

export function openAiErrorBody(error: OpenAiErrorInput): OpenAiErrorBody {
  return {
    error: {
      message: error.message,
      type: error.type ?? openAiErrorType(error.status),
      code: error.code,
      param: error.param ?? null,
    },
  };
}
