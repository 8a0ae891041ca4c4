import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

export class RedeemCodeDto {
  @ApiProperty({
    example: 'K7Q2-M9XD-4HRT-0WVB-PJ3N-8SZE-9XZA',
    description: 'case, spaces and dashes do not matter',
  })
  @IsString({ message: 'code must be a string' })
  @MinLength(1, { message: 'code is required' })
  @MaxLength(100, { message: 'code must be at most 100 characters' })
  code!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'the tenant to credit: a super admin must name it; others redeem into their own',
  })
  @IsOptional()
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId?: string;
}
