// Issuing and managing a tenant's /v1 tokens through /api: scoping, audit, and telling the relay's
// caches when a token changes.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit';
import { usdToNano } from '@gateway/db';
import { Actor, isSuperAdmin, TenantsService, UsersService, writeTenant } from '@gateway/identity';
import { DataSource, EntityManager } from 'typeorm';
import { TokenAuthService } from './auth/token-auth.service';
import { CreateTokenDto } from './dto/create-token.dto';
import { CreatedTokenView, TokenListView, TokenView } from './views/token.view';
import { UpdateTokenDto } from './dto/update-token.dto';
import { Token } from './entities/token.entity';
import { normalizeCidr } from './ip/ip-allowlist';
import { apiKeyHint, generateApiKey, hashApiKey } from './key/api-key';
import { tokenOwnerFor, tokenScope } from './token-permissions';
import { TokensError, TokensErrorCode } from './tokens.errors';

const ENTITY_TYPE = 'token';

export interface TokenListOptions {
  tenantId?: string;
  page: number;
  pageSize: number;
}

@Injectable()
export class TokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly auth: TokenAuthService,
    private readonly tenants: TenantsService,
    private readonly users: UsersService,
  ) {}

  async list(actor: Actor, options: TokenListOptions): Promise<TokenListView> {
    const [tokens, total] = await this.dataSource.getRepository(Token).findAndCount({
      where: tokenScope(actor, options.tenantId),
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (options.page - 1) * options.pageSize,
      take: options.pageSize,
    });
    return { items: tokens.map((token) => TokenView.of(token)), total };
  }

  async get(actor: Actor, id: string): Promise<TokenView> {
    return TokenView.of(await this.find(this.dataSource.manager, actor, id));
  }

  async create(actor: Actor, dto: CreateTokenDto): Promise<CreatedTokenView> {
    const tenantId = writeTenant(actor, dto.tenantId);
    const key = generateApiKey();
    const keyHash = hashApiKey(key);
    // Only a super admin can name a tenant other than their own; it must exist (asked of identity).
    if (isSuperAdmin(actor) && !(await this.tenants.exists(tenantId))) {
      throw new TokensError(TokensErrorCode.TenantNotFound);
    }
    const userId = tokenOwnerFor(actor);
    const view = await this.dataSource.transaction(async (manager) => {
      // The session was checked when the request began; the owner may have been disabled since.
      if (userId !== null) await this.users.assertMayHoldTokens(manager, userId, tenantId);
      const token = await manager.save(
        manager.create(Token, {
          tenantId,
          userId,
          name: dto.name,
          keyHash,
          keyHint: apiKeyHint(key),
          quotaNano: dto.quotaUsd == null ? null : usdToNano(dto.quotaUsd),
          usedNano: 0n,
          expiresAt: dto.expiresAt == null ? null : new Date(dto.expiresAt),
          models: distinct(dto.models ?? []),
          ipAllowlist: normalizeAllowlist(dto.ipAllowlist ?? []),
          rpm: dto.rpm ?? null,
          tpm: dto.tpm ?? null,
          status: dto.status ?? 'active',
          revokedReason: null,
          lastUsedAt: null,
        }),
      );
      const created = TokenView.of(token);
      await this.audit.record(
        { actor, tenantId, action: 'create', entityType: ENTITY_TYPE, entityId: token.id, after: created },
        manager,
      );
      return created;
    });
    // A process that saw this key before it existed remembers it as unknown for a few seconds.
    await this.auth.invalidate({ id: view.id, keyHash });
    return { ...view, key };
  }

  async update(actor: Actor, id: string, dto: UpdateTokenDto): Promise<TokenView> {
    const { view, keyHash, changed } = await this.dataSource.transaction(async (manager) => {
      const token = await this.find(manager, actor, id, true);
      const before = TokenView.of(token);
      if (token.status === 'revoked' && dto.status !== undefined && dto.status !== token.status) {
        throw new TokensError(TokensErrorCode.Revoked);
      }
      if (dto.name !== undefined) token.name = dto.name;
      if (dto.quotaUsd !== undefined)
        token.quotaNano = dto.quotaUsd === null ? null : usdToNano(dto.quotaUsd);
      if (dto.expiresAt !== undefined)
        token.expiresAt = dto.expiresAt === null ? null : new Date(dto.expiresAt);
      if (dto.models !== undefined) token.models = distinct(dto.models);
      if (dto.ipAllowlist !== undefined) token.ipAllowlist = normalizeAllowlist(dto.ipAllowlist);
      if (dto.rpm !== undefined) token.rpm = dto.rpm;
      if (dto.tpm !== undefined) token.tpm = dto.tpm;
      if (dto.status !== undefined) token.status = dto.status;
      if (sameFields(before, TokenView.of(token)))
        return { view: before, keyHash: token.keyHash, changed: false };
      const after = TokenView.of(await manager.save(token));
      await this.audit.record(
        {
          actor,
          tenantId: token.tenantId,
          action: 'update',
          entityType: ENTITY_TYPE,
          entityId: id,
          before,
          after,
        },
        manager,
      );
      return { view: after, keyHash: token.keyHash, changed: true };
    });
    if (changed) await this.auth.invalidate({ id, keyHash });
    return view;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const keyHash = await this.dataSource.transaction(async (manager) => {
      const token = await this.find(manager, actor, id, true);
      const before = TokenView.of(token);
      await manager.delete(Token, { id });
      await this.audit.record(
        { actor, tenantId: token.tenantId, action: 'delete', entityType: ENTITY_TYPE, entityId: id, before },
        manager,
      );
      return token.keyHash;
    });
    await this.auth.invalidate({ id, keyHash });
  }

  /** Ids of the tokens `userId` owns in `tenantId`: a member's usage is the usage of these. */
  /** For the billing mirror: what the token has spent, as PostgreSQL knows it (ingested usage). */
  async usedNano(tokenId: string): Promise<bigint> {
    const token = await this.dataSource
      .getRepository(Token)
      .findOne({ where: { id: tokenId }, select: { id: true, usedNano: true } });
    return token?.usedNano ?? 0n;
  }

  async idsOwnedBy(tenantId: string, userId: string): Promise<string[]> {
    const tokens = await this.dataSource.getRepository(Token).find({
      where: { tenantId, userId },
      select: { id: true },
    });
    return tokens.map((token) => token.id);
  }

  /** The token if `actor` may see it, else 404: another tenant's or another member's token simply does not exist. */
  private async find(manager: EntityManager, actor: Actor, id: string, forUpdate = false): Promise<Token> {
    const token = await manager.findOne(Token, {
      where: { id, ...tokenScope(actor) },
      ...(forUpdate ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!token) throw new TokensError(TokensErrorCode.NotFound);
    return token;
  }
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

/** Stored with an explicit prefix length and in canonical form, so what is shown is what is matched. */
function normalizeAllowlist(cidrs: string[]): string[] {
  // The DTO validated every entry; normalizeCidr cannot fail here.
  return distinct(cidrs.map((cidr) => normalizeCidr(cidr) ?? cidr));
}

function sameFields(a: TokenView, b: TokenView): boolean {
  return JSON.stringify({ ...a, updatedAt: '' }) === JSON.stringify({ ...b, updatedAt: '' });
}
