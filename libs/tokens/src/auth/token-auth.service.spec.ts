import { Logger } from '@nestjs/common';
import type { Repository } from 'typeorm';
import type { Token } from '../entities/token.entity';
import { generateApiKey, hashApiKey } from '../key/api-key';
import { TokenAuthService } from './token-auth.service';
import type { TokenInvalidation, TokenInvalidationBus } from './token-invalidation.bus';

type Listener = (message: TokenInvalidation | 'all') => void;

function row(keyHash: string, overrides: Partial<Token> = {}): Token {
  return {
    id: `id-${keyHash.slice(0, 8)}`,
    tenantId: 'tenant',
    userId: null,
    name: 'n',
    keyHash,
    keyHint: 'abcd',
    quotaNano: null,
    quotaEpoch: 0,
    usedNano: 0n,
    expiresAt: null,
    models: [],
    ipAllowlist: [],
    rpm: null,
    tpm: null,
    status: 'active',
    revokedReason: null,
    lastUsedAt: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  };
}

function setup() {
  const rows = new Map<string, Token>();
  const findOne = jest.fn(
    async ({ where }: { where: { keyHash: string } }) => rows.get(where.keyHash) ?? null,
  );
  const listeners: Listener[] = [];
  const publish = jest.fn(async (_message: TokenInvalidation) => undefined);
  const bus = {
    listening: true,
    subscribe: (listener: Listener) => {
      listeners.push(listener);
      return () => undefined;
    },
    publish,
  } as unknown as TokenInvalidationBus;
  const service = new TokenAuthService({ findOne } as unknown as Repository<Token>, bus);
  const deliver = (message: TokenInvalidation | 'all') => listeners.forEach((listener) => listener(message));
  const add = (overrides: Partial<Token> = {}) => {
    const key = generateApiKey();
    const token = row(hashApiKey(key), overrides);
    rows.set(token.keyHash, token);
    return { key, token };
  };
  return { service, rows, findOne, publish, deliver, add, bus: bus as { listening: boolean } };
}

describe('TokenAuthService', () => {
  it('never looks up something that is not shaped like a key', async () => {
    const { service, findOne } = setup();
    for (const raw of ['', 'sk-short', `Bearer ${generateApiKey()}`, 'x'.repeat(10_000)]) {
      await expect(service.resolve(raw)).resolves.toBeUndefined();
    }
    expect(findOne).not.toHaveBeenCalled();
  });

  it('reads a key once, then answers from memory', async () => {
    const { service, findOne, add } = setup();
    const { key, token } = add();
    const first = await service.resolve(key);
    const second = await service.resolve(key);
    expect(first?.id).toBe(token.id);
    expect(second).toBe(first);
    expect(findOne).toHaveBeenCalledTimes(1);
  });

  it('remembers unknown keys too, until a create names their hash', async () => {
    const { service, findOne, rows, deliver } = setup();
    const key = generateApiKey();
    await expect(service.resolve(key)).resolves.toBeUndefined();
    await expect(service.resolve(key)).resolves.toBeUndefined();
    expect(findOne).toHaveBeenCalledTimes(1);
    const token = row(hashApiKey(key));
    rows.set(token.keyHash, token);
    deliver({ id: token.id, keyHash: token.keyHash });
    expect((await service.resolve(key))?.id).toBe(token.id);
    expect(findOne).toHaveBeenCalledTimes(2);
  });

  it('shares one database read among concurrent lookups of the same key', async () => {
    const { service, findOne, add } = setup();
    const { key } = add();
    const results = await Promise.all(Array.from({ length: 20 }, () => service.resolve(key)));
    expect(new Set(results).size).toBe(1);
    expect(findOne).toHaveBeenCalledTimes(1);
  });

  it('drops an entry when told, by hash or by id alone, and everything on "all"', async () => {
    const { service, findOne, add, deliver } = setup();
    const a = add();
    const b = add();
    await service.resolve(a.key);
    await service.resolve(b.key);
    expect(findOne).toHaveBeenCalledTimes(2);

    a.token.status = 'disabled';
    deliver({ id: a.token.id, keyHash: a.token.keyHash });
    expect((await service.resolve(a.key))?.status).toBe('disabled');
    expect(findOne).toHaveBeenCalledTimes(3);

    deliver({ id: b.token.id, keyHash: '' });
    await service.resolve(b.key);
    expect(findOne).toHaveBeenCalledTimes(4);

    deliver('all');
    await service.resolve(a.key);
    await service.resolve(b.key);
    expect(findOne).toHaveBeenCalledTimes(6);
  });

  it('caches nothing while it cannot hear invalidations (Redis down or still subscribing)', async () => {
    const { service, findOne, add, bus, deliver } = setup();
    const { key } = add();
    bus.listening = false;
    await service.resolve(key);
    await service.resolve(key);
    await service.resolve(generateApiKey());
    await service.resolve(generateApiKey());
    expect(findOne).toHaveBeenCalledTimes(4);
    bus.listening = true;
    deliver('all');
    await service.resolve(key);
    await service.resolve(key);
    expect(findOne).toHaveBeenCalledTimes(5);
  });

  it('does not cache a read that an invalidation overtook', async () => {
    const { service, findOne, add, deliver } = setup();
    const { key, token } = add();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    findOne.mockImplementationOnce(async () => {
      const stale = { ...token };
      await gate;
      return stale;
    });
    const inFlight = service.resolve(key);
    token.status = 'disabled';
    deliver({ id: token.id, keyHash: token.keyHash });
    release();
    expect((await inFlight)?.status).toBe('active');
    expect((await service.resolve(key))?.status).toBe('disabled');
  });

  it('keeps serving a known key whose TTL ran out while PostgreSQL does not answer, never one a change dropped', async () => {
    // Before the service exists: its caches take the clock when they are made.
    const start = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(start);
    const { service, findOne, add, deliver } = setup();
    const { key, token } = add();
    const other = add();
    try {
      await service.resolve(key);
      await service.resolve(other.key);
      clock.mockReturnValue(start + 61_000);
      const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      findOne.mockRejectedValue(down);
      await expect(service.resolve(key)).resolves.toMatchObject({ id: token.id });
      // Asked once, then kept for another TTL rather than asked again on every request.
      await service.resolve(key);
      expect(findOne).toHaveBeenCalledTimes(3);
      deliver({ id: other.token.id, keyHash: other.token.keyHash });
      await expect(service.resolve(other.key)).rejects.toThrow('ECONNREFUSED');
      // A key never seen is not invented.
      await expect(service.resolve(add().key)).rejects.toThrow('ECONNREFUSED');
    } finally {
      clock.mockRestore();
    }
  });

  it('invalidate() forgets locally at once and publishes; a failed publish is logged, not thrown', async () => {
    const { service, findOne, publish, add } = setup();
    const { key, token } = add();
    await service.resolve(key);
    const message = { id: token.id, keyHash: token.keyHash };
    await service.invalidate(message);
    expect(publish).toHaveBeenCalledWith(message);
    await service.resolve(key);
    expect(findOne).toHaveBeenCalledTimes(2);

    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    publish.mockRejectedValueOnce(new Error('connection closed'));
    await expect(service.invalidate(message)).resolves.toBeUndefined();
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('connection closed'));
    logged.mockRestore();
  });
});
