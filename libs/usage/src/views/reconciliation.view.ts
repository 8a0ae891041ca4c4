import { ApiProperty } from '@nestjs/swagger';

export class ReconciliationMismatchView {
  @ApiProperty({ enum: ['tenant', 'allowance', 'token'] })
  kind!: 'tenant' | 'allowance' | 'token';

  @ApiProperty({ description: 'Tenant or token id' })
  id!: string;

  @ApiProperty({ description: 'Sum of usage-record costs, nano-USD (decimal string)' })
  recordsNano!: string;

  @ApiProperty({
    description: 'Ledger usage debits (tenant) or used quota (token), nano-USD (decimal string)',
  })
  booksNano!: string;
}

export class ReconciliationView {
  @ApiProperty()
  checkedAt!: string;

  @ApiProperty({ description: 'Tenants with usage or usage debits' })
  tenants!: number;

  @ApiProperty({ description: 'Tokens checked' })
  tokens!: number;

  @ApiProperty({ type: [ReconciliationMismatchView], description: 'Empty when the books agree' })
  mismatches!: ReconciliationMismatchView[];
}
