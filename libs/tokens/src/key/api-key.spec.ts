import { createHash } from 'node:crypto';
import {
  apiKeyHint,
  BASE62_ALPHABET,
  generateApiKey,
  hashApiKey,
  looksLikeApiKey,
  maskApiKey,
} from './api-key';

describe('API keys', () => {
  it('are sk- followed by exactly 48 base62 characters', () => {
    for (let i = 0; i < 200; i++) {
      const key = generateApiKey();
      expect(key).toMatch(/^sk-[0-9A-Za-z]{48}$/);
      expect(key).toHaveLength(51);
      expect(looksLikeApiKey(key)).toBe(true);
    }
  });

  it('are all different', () => {
    const keys = new Set(Array.from({ length: 1000 }, generateApiKey));
    expect(keys.size).toBe(1000);
  });

  it('use the whole base62 alphabet, about evenly (no modulo bias towards the first characters)', () => {
    const counts = new Map<string, number>();
    const samples = 4000;
    for (let i = 0; i < samples; i++) {
      for (const char of generateApiKey().slice(3)) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect([...counts.keys()].sort().join('')).toBe([...BASE62_ALPHABET].sort().join(''));
    // 192,000 characters over 62 symbols: ≈ 3097 each, σ ≈ 55. A modulo-biased generator (byte % 62)
    // puts the first 8 symbols ≈ 25% above the rest; allow 6σ either way.
    const expected = (samples * 48) / 62;
    for (const [, count] of counts) {
      expect(Math.abs(count - expected)).toBeLessThan(6 * Math.sqrt(expected));
    }
  });

  it('accepts a NewAPI / one-api key as clients send it (sk- + the 48 characters NewAPI stores)', () => {
    // NewAPI's tokens.key column holds the 48 characters without the prefix.
    expect(looksLikeApiKey('sk-aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6kM9nP2rS5uV8')).toBe(true);
  });

  it('refuses anything not shaped like a key', () => {
    const key = generateApiKey();
    expect(looksLikeApiKey(key.slice(0, -1))).toBe(false);
    expect(looksLikeApiKey(`${key}a`)).toBe(false);
    expect(looksLikeApiKey(`sk_${key.slice(3)}`)).toBe(false);
    expect(looksLikeApiKey(`${key.slice(0, -1)}-`)).toBe(false);
    expect(looksLikeApiKey('')).toBe(false);
  });

  it('are stored as SHA-256 hex and shown as sk-…<last 4>', () => {
    const key = generateApiKey();
    expect(hashApiKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(apiKeyHint(key)).toBe(key.slice(-4));
    expect(maskApiKey(apiKeyHint('sk-abcdefgh1234'))).toBe('sk-…1234');
  });
});
