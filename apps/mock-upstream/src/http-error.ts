/** The error shape of the OpenAI API, which the SDK turns into typed errors. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** An error answered with `status` and an OpenAI-shaped body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  static invalidRequest(message: string, param: string | null = null, code: string | null = null): HttpError {
    return new HttpError(400, message, 'invalid_request_error', param, code);
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}
