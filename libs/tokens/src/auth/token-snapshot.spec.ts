import type { Token } from '../entities/token.entity';
import { checkToken, snapshotOf, TokenSnapshot } from './token-snapshot';

const NOW = Date.parse('2030-01-01T00:00:00Z');

function token(overrides: Partial<Token> = {}): Token {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    tenantId: '00000000-0000-4000-8000-000000000002',
    userId: '00000000-0000-4000-8000-000000000003',
    name: 'ci',
    keyHash: 'f'.repeat(64),
    keyHint: 'abcd',
    quotaNano: 5_000_000_000n,
    quotaEpoch: 0,
    usedNano: 0n,
    expiresAt: null,
    models: [],
    ipAllowlist: [],
    rpm: 60,
    tpm: null,
    status: 'active',
    revokedReason: null,
    lastUsedAt: null,
    createdAt: new Date(NOW - 1000),
    updatedAt: new Date(NOW - 1000),
    ...overrides,
  };
}

describe('snapshotOf', () => {
  it('copies what the relay needs, frozen, with a model set and an IP matcher', () => {
    const snapshot = snapshotOf(
      token({ models: ['gpt-4o', 'gpt-4o'], ipAllowlist: ['10.0.0.0/8'], expiresAt: new Date(NOW) }),
    );
    expect(snapshot).toMatchObject({
      id: '00000000-0000-4000-8000-000000000001',
      tenantId: '00000000-0000-4000-8000-000000000002',
      userId: '00000000-0000-4000-8000-000000000003',
      status: 'active',
      expiresAt: NOW,
      quotaNano: 5_000_000_000n,
      rpm: 60,
      tpm: null,
    });
    expect([...snapshot.models]).toEqual(['gpt-4o']);
    expect(snapshot.ipAllowlist.allows('10.2.3.4')).toBe(true);
    expect(snapshot).not.toHaveProperty('keyHash');
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(() => (snapshot.models as Set<string>).add('o3')).toThrow(TypeError);
    expect(() => (snapshot.models as Set<string>).delete('gpt-4o')).toThrow(TypeError);
    expect(() => (snapshot.models as Set<string>).clear()).toThrow(TypeError);
    expect(() => {
      (snapshot as { status: string }).status = 'disabled';
    }).toThrow(TypeError);
  });
});

describe('checkToken', () => {
  const at = (overrides: Partial<Token> = {}): TokenSnapshot => snapshotOf(token(overrides));

  it('passes an active, unexpired token from anywhere, for any model, when nothing restricts it', () => {
    expect(checkToken(at(), { ip: '203.0.113.9', model: 'anything', now: NOW })).toBe('ok');
    expect(checkToken(at(), { ip: null, now: NOW })).toBe('ok');
  });

  it('says invalid_api_key when there is no token', () => {
    expect(checkToken(undefined, { ip: '10.0.0.1', now: NOW })).toBe('invalid_api_key');
  });

  it('says disabled for a disabled token', () => {
    expect(checkToken(at({ status: 'disabled' }), { ip: '10.0.0.1', now: NOW })).toBe('disabled');
  });

  it('says expired from the expiry instant on', () => {
    expect(checkToken(at({ expiresAt: new Date(NOW + 1) }), { ip: null, now: NOW })).toBe('ok');
    expect(checkToken(at({ expiresAt: new Date(NOW) }), { ip: null, now: NOW })).toBe('expired');
    expect(checkToken(at({ expiresAt: new Date(NOW - 1) }), { ip: null, now: NOW })).toBe('expired');
  });

  it('uses the clock when no instant is given', () => {
    expect(checkToken(at({ expiresAt: new Date(Date.now() - 1000) }), { ip: null })).toBe('expired');
    expect(checkToken(at({ expiresAt: new Date(Date.now() + 60_000) }), { ip: null })).toBe('ok');
  });

  it('says ip_not_allowed outside the allowlist, v4, v6 and IPv4-mapped v6 alike', () => {
    const snapshot = at({ ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'] });
    expect(checkToken(snapshot, { ip: '10.9.9.9', now: NOW })).toBe('ok');
    expect(checkToken(snapshot, { ip: '::ffff:10.1.2.3', now: NOW })).toBe('ok');
    expect(checkToken(snapshot, { ip: '2001:db8::7', now: NOW })).toBe('ok');
    expect(checkToken(snapshot, { ip: '11.0.0.1', now: NOW })).toBe('ip_not_allowed');
    expect(checkToken(snapshot, { ip: '::ffff:11.0.0.1', now: NOW })).toBe('ip_not_allowed');
    expect(checkToken(snapshot, { ip: '2001:db9::7', now: NOW })).toBe('ip_not_allowed');
    expect(checkToken(snapshot, { ip: null, now: NOW })).toBe('ip_not_allowed');
  });

  it('says model_not_allowed for a model off the token’s list, and ignores models when none is asked', () => {
    const snapshot = at({ models: ['gpt-4o', 'claude-sonnet-4'] });
    expect(checkToken(snapshot, { ip: null, model: 'gpt-4o', now: NOW })).toBe('ok');
    expect(checkToken(snapshot, { ip: null, model: 'gpt-4o-mini', now: NOW })).toBe('model_not_allowed');
    expect(checkToken(snapshot, { ip: null, model: '', now: NOW })).toBe('model_not_allowed');
    expect(checkToken(snapshot, { ip: null, now: NOW })).toBe('ok');
  });

  it('reports the token’s own state before the request’s details', () => {
    const everythingWrong = at({
      status: 'disabled',
      expiresAt: new Date(NOW - 1),
      ipAllowlist: ['10.0.0.0/8'],
      models: ['gpt-4o'],
    });
    const context = { ip: '11.0.0.1', model: 'o3', now: NOW };
    expect(checkToken(everythingWrong, context)).toBe('disabled');
    expect(checkToken(at({ expiresAt: new Date(NOW - 1), ipAllowlist: ['10.0.0.0/8'] }), context)).toBe(
      'expired',
    );
    expect(checkToken(at({ ipAllowlist: ['10.0.0.0/8'], models: ['gpt-4o'] }), context)).toBe(
      'ip_not_allowed',
    );
  });
});
