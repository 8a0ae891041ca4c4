import { redactForAudit } from './redact';

describe('redactForAudit', () => {
  it('replaces secrets and their hashes at any depth, keeps the rest', () => {
    expect(
      redactForAudit({
        email: 'a@b.test',
        passwordHash: '$argon2id$...',
        nested: { apiKey: 'sk-live', keyCiphertext: 'abc', label: 'main' },
        used: 12n,
      }),
    ).toEqual({
      email: 'a@b.test',
      passwordHash: '[redacted]',
      nested: { apiKey: '[redacted]', keyCiphertext: '[redacted]', label: 'main' },
      used: '12',
    });
  });

  it('null and undefined become null', () => {
    expect(redactForAudit(undefined)).toBeNull();
    expect(redactForAudit(null)).toBeNull();
  });
});
