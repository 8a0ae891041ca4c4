import { nanoToUsd } from '@gateway/db';
import { ApiProperty } from '@nestjs/swagger';
import type { TenantBalance } from '../../entities/tenant-balance.entity';

/** A tenant's ledger sums. balanceUsd = creditsUsd − debitsUsd, to the nano-dollar. */
export class TenantBalanceView {
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ example: '74.5', description: 'the sum of the ledger' }) balanceUsd!: string;
  @ApiProperty({
    example: '100',
    description: 'top-ups, redemptions, refunds and adjustments (adjustments may be negative)',
  })
  creditsUsd!: string;
  @ApiProperty({ example: '25.5', description: 'usage debits, as a positive amount' }) debitsUsd!: string;

  static of(tenantId: string, row: TenantBalance | null): TenantBalanceView {
    return {
      tenantId,
      balanceUsd: nanoToUsd(row?.balanceNano ?? 0n),
      creditsUsd: nanoToUsd(row?.creditsNano ?? 0n),
      debitsUsd: nanoToUsd(row?.debitsNano ?? 0n),
    };
  }
}
