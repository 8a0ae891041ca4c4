import { nanoToUsd } from '@gateway/db';
import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import { TOKEN_REVOCATION_REASONS, type TokenRevocationReason } from '@gateway/identity';
import type { Token, TokenStatus } from '../entities/token.entity';
import { maskApiKey } from '../key/api-key';
import { TOKEN_VIEW_STATUSES } from '../dto/token-field-limits';

/** What the API shows of a token: never the key, never its hash. */
export class TokenView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The member who owns it' })
  userId!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'sk-…abcd' }) maskedKey!: string;
  @ApiProperty({ type: String, nullable: true, example: '25', description: 'null = unlimited' })
  quotaUsd!: string | null;
  @ApiProperty({ example: '0.000123' }) usedUsd!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: [String] }) models!: string[];
  @ApiProperty({ type: [String] }) ipAllowlist!: string[];
  @ApiProperty({ type: Number, nullable: true }) rpm!: number | null;
  @ApiProperty({ type: Number, nullable: true }) tpm!: number | null;
  @ApiProperty({ enum: TOKEN_VIEW_STATUSES }) status!: TokenStatus;
  @ApiProperty({
    enum: TOKEN_REVOCATION_REASONS,
    nullable: true,
    description: 'Why a revoked token stopped: its owner was removed, disabled, made finance or moved',
  })
  revokedReason!: TokenRevocationReason | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  static of(token: Token): TokenView {
    return {
      id: token.id,
      tenantId: token.tenantId,
      userId: token.userId,
      name: token.name,
      maskedKey: maskApiKey(token.keyHint),
      quotaUsd: token.quotaNano === null ? null : nanoToUsd(token.quotaNano),
      usedUsd: nanoToUsd(token.usedNano),
      expiresAt: token.expiresAt?.toISOString() ?? null,
      models: token.models,
      ipAllowlist: token.ipAllowlist,
      rpm: token.rpm,
      tpm: token.tpm,
      status: token.status,
      revokedReason: token.revokedReason,
      lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
      createdAt: token.createdAt.toISOString(),
      updatedAt: token.updatedAt.toISOString(),
    };
  }
}

/** The answer to a create: the only time the full key is ever shown. */
export class CreatedTokenView extends TokenView {
  @ApiProperty({
    example: 'sk-…',
    description: 'The full key. Shown once: store it now, it cannot be read again.',
  })
  key!: string;
}

export class TokenListView extends PageOf(TokenView) {}
