import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenantBalances } from '@gateway/identity';
import { TenantBalance } from '../entities/tenant-balance.entity';
import { TenantBalancesReader } from './tenant-balances.reader';

/**
 * Global, like the audit lib's AuditRecorder binding: IdentityModule's tenant reads inject
 * TenantBalances without importing billing (which imports identity).
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([TenantBalance])],
  providers: [TenantBalancesReader, { provide: TenantBalances, useExisting: TenantBalancesReader }],
  exports: [TenantBalancesReader, TenantBalances],
})
export class TenantBalancesModule {}
