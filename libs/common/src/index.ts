// What every domain shares and no domain owns: the domain-error base, money and the keyring. Nothing
// here knows a domain, a table or a provider; the /api paging and parameter primitives are
// `@gateway/common/http` (http/index.ts), so that loading this loads no HTTP layer.
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
export { isIsoCurrency, minorToDecimal, minorUnitDigits } from './money/currency';
export { createKeyring, keyringFromEnv, type Keyring } from './crypto/keyring';
export { SecretCipher, type SealedSecret } from './crypto/secret-cipher';
export { canonicalTimeZone, wallClockFormatter } from './time/time-zones';
