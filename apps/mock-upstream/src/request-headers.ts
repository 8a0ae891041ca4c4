/** The token of an `Authorization: Bearer <token>` header; undefined when absent or empty. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = authorization === undefined ? null : /^Bearer\s+(.*)$/i.exec(authorization);
  const token = match?.[1]?.trim();
  return token === undefined || token === '' ? undefined : token;
}

/** A header's text; a repeated header arrives as a list, whose options all count, in order. */
export function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(';') : value;
}
