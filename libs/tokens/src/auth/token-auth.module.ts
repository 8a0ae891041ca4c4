import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@gateway/audit';
import { UserTokens } from '@gateway/identity';
import { Token } from '../entities/token.entity';
import { TokenAuthService } from './token-auth.service';
import { TokenInvalidationBus } from './token-invalidation.bus';
import { TokenRevoker } from './token-revoker';

/**
 * The token cache with its invalidation bus, and the UserTokens port. Global, like the audit lib's
 * AuditRecorder binding: IdentityModule's user changes revoke tokens without importing this lib
 * (which imports identity), and the cache they invalidate is the one the relay reads.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Token]), AuditModule],
  providers: [
    TokenInvalidationBus,
    TokenAuthService,
    TokenRevoker,
    { provide: UserTokens, useExisting: TokenRevoker },
  ],
  exports: [TokenInvalidationBus, TokenAuthService, UserTokens],
})
export class TokenAuthModule {}
