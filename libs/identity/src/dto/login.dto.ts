import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, MaxLength, MinLength, ValidateIf } from 'class-validator';

/** Either an email, or (for users moved over from NewAPI / one-api) the username they signed in with. */
export class LoginDto {
  @ApiPropertyOptional({ example: 'admin@example.com', description: 'send email or username' })
  @ValidateIf((body: LoginDto) => body.username === undefined || body.email !== undefined)
  @IsEmail({}, { message: 'email (or username) must be an email address' })
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({
    example: 'alice',
    description: 'the NewAPI / one-api username of an imported user (instead of email)',
  })
  @ValidateIf((body: LoginDto) => body.email === undefined)
  @IsString({ message: 'username must be a string' })
  @Length(1, 64)
  username?: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}
