import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@gateway/audit';
import { IdentityModule } from '@gateway/identity';
import { TokenAuthService } from './auth/token-auth.service';
import { TokenInvalidationBus } from './auth/token-invalidation.bus';
import { Token } from './entities/token.entity';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

export const TOKENS_ENTITIES = [Token];

/** /api/tokens, and the relay's cached token lookup (TokenAuthService). */
@Module({
  imports: [TypeOrmModule.forFeature(TOKENS_ENTITIES), AuditModule, IdentityModule],
  controllers: [TokensController],
  providers: [TokenInvalidationBus, TokenAuthService, TokensService],
  exports: [TokenAuthService, TokensService],
})
export class TokensModule {}
