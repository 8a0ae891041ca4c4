// What an audit row may keep of an entity: everything but secrets (and their hashes).
const SECRET_FIELDS =
  /^(password|passwordHash|key|keyHash|keyCiphertext|keyFingerprint|tokenHash|secret|apiKey|accessToken)$/i;

export function redactForAudit(value: unknown): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  return JSON.parse(
    JSON.stringify(value, (name, field: unknown) => {
      if (name && SECRET_FIELDS.test(name)) return '[redacted]';
      return typeof field === 'bigint' ? field.toString() : field;
    }),
  ) as Record<string, unknown>;
}
