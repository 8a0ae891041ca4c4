// Identity's UserTokens port: when a user is removed, disabled, made finance or moved, every token
// they hold is revoked in the same transaction, audited, and dropped from every api process's cache.
import { Injectable } from '@nestjs/common';
import { AuditService } from '@gateway/audit';
import { Actor, TokenRevocationReason, UserTokens } from '@gateway/identity';
import { EntityManager } from 'typeorm';
import { TokenAuthService } from './token-auth.service';

interface RevokedRow {
  id: string;
  tenant_id: string;
  key_hash: string;
  status: string;
}

@Injectable()
export class TokenRevoker extends UserTokens {
  constructor(
    private readonly audit: AuditService,
    private readonly auth: TokenAuthService,
  ) {
    super();
  }

  async revokeHeldBy(
    manager: EntityManager,
    actor: Actor,
    userId: string,
    reason: TokenRevocationReason,
  ): Promise<() => Promise<void>> {
    // One statement: the row locks it takes make a concurrent PATCH of these tokens wait for us.
    const rows = (await manager.query(
      `UPDATE tokens AS t SET status = 'revoked', revoked_reason = $2, updated_at = now()
         FROM tokens AS old
        WHERE t.id = old.id AND t.user_id = $1 AND t.status <> 'revoked'
        RETURNING t.id, t.tenant_id, t.key_hash, old.status`,
      [userId, reason],
    )) as [RevokedRow[], number];
    const revoked = rows[0];
    for (const row of revoked) {
      await this.audit.record(
        {
          actor,
          tenantId: row.tenant_id,
          action: 'update',
          entityType: 'token',
          entityId: row.id,
          before: { status: row.status },
          after: { status: 'revoked', revokedReason: reason },
        },
        manager,
      );
    }
    return async () => {
      for (const row of revoked) await this.auth.invalidate({ id: row.id, keyHash: row.key_hash });
    };
  }
}
