import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { OptionalButNotNull } from '@gateway/common/http';
import type { TokenStatus } from '../entities/token.entity';
import { MAX_TOKEN_NAME_LENGTH, TOKEN_STATUSES } from './token-field-limits';
import { IsTokenName, TokenFieldsDto } from './token-fields.dto';

export class CreateTokenDto extends TokenFieldsDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Required for a super admin; anyone else creates in their own tenant.',
  })
  @IsOptional()
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId?: string;

  @ApiProperty({ example: 'CI pipeline', maxLength: MAX_TOKEN_NAME_LENGTH })
  @IsTokenName()
  name!: string;

  @ApiPropertyOptional({ enum: TOKEN_STATUSES, default: 'active' })
  @OptionalButNotNull()
  @IsIn(TOKEN_STATUSES)
  status?: TokenStatus;
}
