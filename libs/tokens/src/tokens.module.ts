import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@gateway/audit';
import { IdentityModule } from '@gateway/identity';
import { TokenAuthModule } from './auth/token-auth.module';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';
import { TOKENS_ENTITIES } from './tokens.entities';

/** /api/tokens, and the relay's cached token lookup (TokenAuthService). */
@Module({
  imports: [TypeOrmModule.forFeature(TOKENS_ENTITIES), AuditModule, IdentityModule, TokenAuthModule],
  controllers: [TokensController],
  providers: [TokensService],
  exports: [TokenAuthModule, TokensService],
})
export class TokensModule {}
