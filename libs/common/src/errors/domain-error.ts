// The one base of every domain's typed errors. A domain writes its codes once, in a table of the
// HTTP status and default message each code shows clients; the surfaces (/api, /v1) shape the rest.

/** One request field at fault and what is wrong with it (an entry of the /api error's `errors[]`). */
export interface FieldError {
  field: string;
  messages: string[];
}

/** What clients see for one code: its HTTP status, and the message when the thrower gives none. */
export interface DomainErrorEntry {
  readonly status: number;
  readonly message: string;
}

/** A domain's codes, each with its entry; typed so a code without an entry does not compile. */
export type DomainErrorTable<Code extends string> = { readonly [C in Code]: DomainErrorEntry };

/** What a thrower may add to its code's entry. */
export interface DomainErrorDetails {
  /** The one request field at fault; the error's message becomes that field's message. */
  field?: string;
  /** Several fields at fault, each with its own messages. */
  fields?: FieldError[];
  /** OpenAI's `param` on /v1, when it is not simply the first field at fault. */
  param?: string | null;
  /** How long until trying again can succeed; surfaces send it as Retry-After. */
  retryAfterMs?: number;
}

export abstract class DomainError<Code extends string = string> extends Error {
  readonly status: number;
  readonly fields?: FieldError[];
  readonly param?: string | null;
  readonly retryAfterMs?: number;

  protected constructor(
    readonly code: Code,
    entry: DomainErrorEntry,
    message?: string,
    details: DomainErrorDetails = {},
  ) {
    super(message ?? entry.message);
    this.name = new.target.name;
    this.status = entry.status;
    const fields =
      details.fields ??
      (details.field === undefined ? [] : [{ field: details.field, messages: [this.message] }]);
    if (fields.length > 0) this.fields = fields;
    if (details.param !== undefined) this.param = details.param;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * The base class of one domain's errors, bound to that domain's table:
 * `export class BillingError extends domainErrorBase(BILLING_ERRORS) {}`, thrown as
 * `new BillingError(BillingErrorCode.NotFound)` or with a more precise message and details.
 */
export function domainErrorBase<Code extends string>(table: DomainErrorTable<Code>) {
  abstract class TabledDomainError extends DomainError<Code> {
    constructor(code: Code, message?: string, details?: DomainErrorDetails) {
      super(code, table[code], message, details);
    }
  }
  return TabledDomainError;
}
