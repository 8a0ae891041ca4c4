// A client's request body is wrong: the relay answers 400 `invalid_request_error` with `param`.

export class RequestValidationError extends Error {
  /** The field path as OpenAI writes it (`messages[2].role`); null when the body itself is wrong. */
  readonly param: string | null;

  constructor(param: string | null, message: string) {
    super(message);
    this.name = 'RequestValidationError';
    this.param = param;
  }
}
