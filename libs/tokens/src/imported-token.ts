// A /v1 key moved over from another gateway (NewAPI / one-api): the client keeps sending the same
// `sk-…`, so it is stored hashed exactly like a key issued here. The importer calls this inside its
// transaction, records the audit rows, and invalidates the relay's caches after the commit.
import type { AuditEntry } from '@gateway/identity';
import type { Actor } from '@gateway/identity';
import { EntityManager } from 'typeorm';
import { TokenView } from './views/token.view';
import { Token, TokenStatus } from './entities/token.entity';
import { apiKeyHint, hashApiKey, looksLikeApiKey } from './key/api-key';

export interface ImportedTokenInput {
  /** The token an earlier run made for this source row, if any. */
  tokenId: string | null;
  tenantId: string;
  userId: string | null;
  /** The full key as clients send it (`sk-…`). */
  key: string;
  name: string;
  /** What is left to spend, in nano-USD; null = unlimited. Becomes the cap above what was used here. */
  remainingNano: bigint | null;
  expiresAt: Date | null;
  models: string[];
  ipAllowlist: string[];
  status: TokenStatus;
}

export interface ImportedToken {
  token: Token;
  created: boolean;
  audit: AuditEntry | null;
}

export class ImportedKeyRefused extends Error {}

/** Creates or updates the token in `manager`'s transaction. */
export async function upsertImportedToken(
  manager: EntityManager,
  actor: Actor | null,
  input: ImportedTokenInput,
): Promise<ImportedToken> {
  if (!looksLikeApiKey(input.key))
    throw new ImportedKeyRefused(
      'the key is not 48 letters or digits after sk- (the only shape this gateway authenticates)',
    );
  const keyHash = hashApiKey(input.key);
  const existing = input.tokenId
    ? await manager.findOne(Token, { where: { id: input.tokenId }, lock: { mode: 'pessimistic_write' } })
    : null;
  if (!existing) {
    // The same key imported from elsewhere, or issued here by chance, is not silently re-owned.
    if (await manager.existsBy(Token, { keyHash }))
      throw new ImportedKeyRefused('this key is already a token here');
    const token = await manager.save(
      manager.create(Token, {
        tenantId: input.tenantId,
        userId: input.userId,
        name: input.name,
        keyHash,
        keyHint: apiKeyHint(input.key),
        quotaNano: input.remainingNano,
        usedNano: 0n,
        expiresAt: input.expiresAt,
        models: input.models,
        ipAllowlist: input.ipAllowlist,
        rpm: null,
        tpm: null,
        status: input.status,
        lastUsedAt: null,
      }),
    );
    return {
      token,
      created: true,
      audit: {
        actor,
        tenantId: token.tenantId,
        action: 'create',
        entityType: 'token',
        entityId: token.id,
        after: TokenView.of(token),
      },
    };
  }
  const before = TokenView.of(existing);
  Object.assign(existing, {
    name: input.name,
    // What was spent here since the last import stays spent: the source's remainder comes on top.
    quotaNano: input.remainingNano === null ? null : existing.usedNano + input.remainingNano,
    expiresAt: input.expiresAt,
    models: input.models,
    ipAllowlist: input.ipAllowlist,
    status: input.status,
  });
  const token = await manager.save(existing);
  return updated(actor, before, token);
}

/**
 * Disables, in `manager`'s transaction, a token an earlier import made of a source row the source no
 * longer lets through (deleted there, or its user): not deleted, so its usage history stays. Null when
 * the token is gone or not active (already disabled, or revoked).
 */
export async function disableImportedToken(
  manager: EntityManager,
  actor: Actor | null,
  tokenId: string,
): Promise<ImportedToken | null> {
  const existing = await manager.findOne(Token, {
    where: { id: tokenId },
    lock: { mode: 'pessimistic_write' },
  });
  if (!existing || existing.status !== 'active') return null;
  const before = TokenView.of(existing);
  existing.status = 'disabled';
  const token = await manager.save(existing);
  return updated(actor, before, token);
}

/** An imported token changed in place, with the audit entry that says from what. */
function updated(actor: Actor | null, before: TokenView, token: Token): ImportedToken {
  return {
    token,
    created: false,
    audit: {
      actor,
      tenantId: token.tenantId,
      action: 'update',
      entityType: 'token',
      entityId: token.id,
      before,
      after: TokenView.of(token),
    },
  };
}
