import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { OptionalButNotNull } from '@gateway/common/http';
import type { TokenStatus } from '../entities/token.entity';
import { MAX_TOKEN_NAME_LENGTH, TOKEN_STATUSES } from './token-field-limits';
import { IsTokenName, TokenFieldsDto } from './token-fields.dto';

/** Every field optional; an absent field is left alone, null clears the nullable ones. A token never changes tenant. */
export class UpdateTokenDto extends TokenFieldsDto {
  @ApiPropertyOptional({ maxLength: MAX_TOKEN_NAME_LENGTH })
  @OptionalButNotNull()
  @IsTokenName()
  name?: string;

  @ApiPropertyOptional({ enum: TOKEN_STATUSES })
  @OptionalButNotNull()
  @IsIn(TOKEN_STATUSES)
  status?: TokenStatus;
}
