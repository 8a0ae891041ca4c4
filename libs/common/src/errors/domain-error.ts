// The one base of every domain's typed errors. A domain writes its codes once, in a table of the
// HTTP status and default message each code shows clients; the surfaces (/api, /v1) shape the rest.

/** One request field at fault and what is wrong with it (an entry of the /api error's `errors[]`). */
export interface FieldError {
  field: string;
  messages: string[];
}

/**
 * One row of a domain's table: the code clients see, its HTTP status, and the message used when the
 * thrower gives none.
 */
export interface DomainErrorEntry {
  readonly code: string;
  readonly status: number;
  readonly message: string;
}

/**
 * A domain's errors by the name throwers use, each code written once:
 * `{ NotFound: { code: 'not_found', status: HttpStatus.NOT_FOUND, message: 'not found' } } as const`.
 */
export type DomainErrorTable = Readonly<Record<string, DomainErrorEntry>>;

/** The codes of a table, by name: what `BillingErrorCode.NotFound` is. */
export type DomainErrorCodes<Table extends DomainErrorTable> = {
  readonly [Name in keyof Table]: Table[Name]['code'];
};

/** Any one code of a table: the type of `BillingErrorCode`. */
export type DomainErrorCodeOf<Table extends DomainErrorTable> = Table[keyof Table]['code'];

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
    status: number,
    message: string,
    details: DomainErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    const fields =
      details.fields ??
      (details.field === undefined ? [] : [{ field: details.field, messages: [this.message] }]);
    if (fields.length > 0) this.fields = fields;
    if (details.param !== undefined) this.param = details.param;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

/** A table's codes by name, for throwers: `BillingErrorCode.NotFound` is `'not_found'`. */
export function domainErrorCodes<Table extends DomainErrorTable>(table: Table): DomainErrorCodes<Table> {
  return Object.fromEntries(
    Object.entries(table).map(([name, entry]) => [name, entry.code]),
  ) as DomainErrorCodes<Table>;
}

/**
 * The base class of one domain's errors, bound to that domain's table:
 * `export class BillingError extends domainErrorBase(BILLING_ERRORS) {}`, thrown as
 * `new BillingError(BillingErrorCode.NotFound)` or with a more precise message and details.
 */
export function domainErrorBase<Table extends DomainErrorTable>(table: Table) {
  type Code = DomainErrorCodeOf<Table>;
  const byCode: Record<string, DomainErrorEntry> = Object.fromEntries(
    Object.values(table).map((entry) => [entry.code, entry]),
  );
  abstract class TabledDomainError extends DomainError<Code> {
    constructor(code: Code, message?: string, details?: DomainErrorDetails) {
      const entry = byCode[code];
      super(code, entry.status, message ?? entry.message, details);
    }
  }
  return TabledDomainError;
}
