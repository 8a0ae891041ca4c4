import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { OptionalButNotNull } from '@gateway/common/http';

/** The SMTP server invoices leave through. `password` left out keeps the stored one. */
export class SmtpSettingsDto {
  @ApiProperty({ example: 'smtp.example.com', maxLength: 253 })
  @IsString({ message: 'smtp.host must be a host name' })
  @Matches(/^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:.]+\]$/, {
    message: 'smtp.host must be a host name or IP address',
  })
  @MaxLength(253, { message: 'smtp.host must be at most 253 characters' })
  host!: string;

  @ApiProperty({ minimum: 1, maximum: 65535, example: 587 })
  @IsInt({ message: 'smtp.port must be a port number' })
  @Min(1, { message: 'smtp.port must be from 1 to 65535' })
  @Max(65535, { message: 'smtp.port must be from 1 to 65535' })
  port!: number;

  @ApiPropertyOptional({
    description: 'TLS from the start (465); false: STARTTLS when offered',
    default: false,
  })
  @OptionalButNotNull()
  @IsBoolean({ message: 'smtp.secure must be true or false' })
  secure?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 320 })
  @IsOptional()
  @IsString({ message: 'smtp.username must be a string' })
  @MaxLength(320, { message: 'smtp.username must be at most 320 characters' })
  username?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 500,
    description: 'write-only: never read back; left out keeps the stored one, null clears it',
  })
  @IsOptional()
  @IsString({ message: 'smtp.password must be a string' })
  @MaxLength(500, { message: 'smtp.password must be at most 500 characters' })
  password?: string | null;

  @ApiProperty({ example: 'Acme Billing <billing@acme.example>', maxLength: 400 })
  @IsString({ message: 'smtp.from must be an address' })
  @Matches(/^([^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, {
    message: 'smtp.from must be an address, optionally with a name: "Name <a@b.example>"',
  })
  @MaxLength(400, { message: 'smtp.from must be at most 400 characters' })
  from!: string;
}
