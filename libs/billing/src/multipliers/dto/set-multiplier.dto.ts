import { ApiProperty } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import { isValidMultiplier, MAX_MULTIPLIER, MULTIPLIER_PATTERN } from '../apply-multiplier';

export class SetMultiplierDto {
  @ApiProperty({
    example: '1.25',
    pattern: MULTIPLIER_PATTERN.source,
    description: `a decimal string, 0 < m ≤ ${MAX_MULTIPLIER}, at most 4 decimal places; 1 = list price`,
  })
  @ValidateBy({
    name: 'isMultiplier',
    validator: {
      validate: isValidMultiplier,
      defaultMessage: () =>
        `multiplier must be a decimal string greater than 0 and at most ${MAX_MULTIPLIER}, with at most 4 decimal places (e.g. "1.25")`,
    },
  })
  multiplier!: string;
}
