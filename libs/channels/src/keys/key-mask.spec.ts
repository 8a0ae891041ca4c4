import { keyHintOf, maskedKeyOf, maskKey } from './key-mask';

describe('provider key mask', () => {
  it('shows a known prefix and the last 4 characters only', () => {
    expect(maskKey('sk-proj-AbCdEfGhIjKlMnOp1234')).toBe('sk-…1234');
    expect(maskKey('gsk_0123456789abcdefWXYZ')).toBe('gsk…WXYZ');
  });

  it('shows no prefix when the key does not start with a known one', () => {
    expect(maskKey('AIzaSyA-0123456789abcdef')).toBe('…cdef');
    expect(maskKey('0123456789')).toBe('…6789');
  });

  it('never shows more than prefix + 4 characters of the key', () => {
    const key = 'sk-abcdefghijklmnopqrstuvwxyz0123456789';
    const hint = keyHintOf(key);
    expect(hint).toBe('sk-6789');
    expect(hint.length).toBeLessThanOrEqual(8); // fits the key_hint column
    expect(maskedKeyOf(hint)).toBe('sk-…6789');
  });
});
