import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { AccountEmailField, NewPasswordField } from './account-fields';

export class RegisterDto {
  @AccountEmailField()
  email!: string;

  @NewPasswordField()
  password!: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    maxLength: 180,
    description: 'name of the new tenant; derived from the email when absent; made unique',
  })
  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: 'tenantName must not be blank' })
  @MaxLength(180)
  tenantName?: string;
}
