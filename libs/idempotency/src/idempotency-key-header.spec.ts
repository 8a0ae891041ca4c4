import { DomainError } from '@gateway/common';
import { idempotencyKeyOf } from './idempotency-key-header';

describe('idempotencyKeyOf', () => {
  it('takes 1 to 255 printable ASCII characters as they are, and no header as no key', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
    for (const key of [
      'a',
      ' x ',
      'x'.repeat(255),
      '!"#$%&\'()*+,-./~',
      '7f0c1a9e-0d1b-4c8e-9a51-2f3d4e5f6a7b',
    ]) {
      expect(idempotencyKeyOf(key)).toBe(key);
    }
  });

  it('refuses anything else with a 400 naming the header', () => {
    for (const bad of ['', 'x'.repeat(256), 'café', 'tab\there', 'new\nline', '\u0000', ['a', 'b']]) {
      let error: unknown;
      try {
        idempotencyKeyOf(bad);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        status: 400,
        code: 'validation_failed',
        fields: [{ field: 'Idempotency-Key', messages: [expect.any(String)] }],
      });
    }
  });
});
