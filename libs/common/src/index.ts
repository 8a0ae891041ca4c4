// What every domain shares and no domain owns: the domain-error base and the /api paging and
// parameter primitives. Nothing here knows a domain, a table or a provider.
export {
  DomainError,
  domainErrorBase,
  domainErrorCodes,
  type DomainErrorCodeOf,
  type DomainErrorCodes,
  type DomainErrorDetails,
  type DomainErrorEntry,
  type DomainErrorTable,
  type FieldError,
} from './errors/domain-error';
export { domainErrorFacts, type ErrorFacts } from './errors/error-facts';
export { writeErrorResponse, type ErrorResponse } from './errors/write-error-response';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageQuery, pageWindow } from './http/page.query';
export { PageOf } from './http/page.view';
export type { Page } from './http/page.view';
export { UuidParam } from './http/uuid-param';
export { OptionalButNotNull } from './http/optional-but-not-null';
export { isIsoCurrency, minorToDecimal, minorUnitDigits } from './money/currency';
export { createKeyring, keyringFromEnv, type Keyring } from './crypto/keyring';
export { SecretCipher, type SealedSecret } from './crypto/secret-cipher';
