/**
 * Response headers by lower-case name, as Node and undici give them (a repeated header is an
 * array). Declared here so that the provider layer does not depend on an HTTP client's types.
 */
export type HttpHeaders = Readonly<Record<string, string | string[] | undefined>>;
