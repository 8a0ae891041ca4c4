import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** The largest SQLite file the console takes (bigger installations: the CLI, or a database URL). */
export const MAX_SQLITE_UPLOAD_BYTES = 200 * 1024 * 1024;

/**
 * multipart/form-data: either `file` (a NewAPI / one-api SQLite database) or `url` (its MySQL or
 * PostgreSQL database), and `dryRun`. Form fields arrive as strings, hence the transforms.
 */
export class ImportNewApiDatabaseDto {
  @ApiPropertyOptional({
    example: 'postgres://newapi:secret@db.example.com:5432/newapi',
    description: 'mysql:// or postgres:// URL of the NewAPI database (instead of file); only read',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @Matches(/^(postgres|postgresql|mysql):\/\/\S+$/i, {
    message: 'url must be a mysql:// or postgres:// database URL',
  })
  url?: string;

  @ApiPropertyOptional({
    default: true,
    description: 'true (the default): read and report what would be imported, write nothing',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun?: boolean;

  @ApiPropertyOptional({
    maxLength: 64,
    description: 'names the source installation instead of the fingerprint taken from its first user',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'installation must be 1-64 letters, digits, _ . -' })
  installation?: string;

  /** Documents the multipart part (multer takes it out of the body before validation sees it). */
  @ApiPropertyOptional({ type: 'string', format: 'binary', description: 'the SQLite database file' })
  @IsOptional()
  file?: unknown;
}
