import { Body, Controller, HttpCode, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '@gateway/identity';
import { MigrationError, MigrationErrorCode } from '../migration.errors';
import { MigrationAdmin } from '../migration-permissions';
import { ImportNewApiDatabaseDto, MAX_SQLITE_UPLOAD_BYTES } from './dto/import-newapi-database.dto';
import { NewApiMigrationService } from './newapi-migration.service';
import { openSource } from './source/open-source';
import { SourceUnreadable } from './source/sqlite-source';
import { NewApiMigrationReport } from './views/newapi-migration-report.view';

/** What multer hands over for the one file field (its own types are not a dependency here). */
interface UploadedDatabase {
  buffer: Buffer;
  size: number;
}

@ApiTags('imports')
@ApiBearerAuth()
@Controller('api/imports')
export class NewApiMigrationController {
  constructor(private readonly migration: NewApiMigrationService) {}

  @MigrationAdmin()
  @Post('newapi')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_SQLITE_UPLOAD_BYTES, files: 1 } }))
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary:
      'Import a NewAPI / one-api installation (channels, users and balances, tokens, unused redemption codes, prices, group ratios); dryRun (the default) only reports',
  })
  @ApiOkResponse({ type: NewApiMigrationReport })
  async importNewApi(
    @CurrentActor() actor: Actor,
    @Body() body: ImportNewApiDatabaseDto,
    @UploadedFile() file: UploadedDatabase | undefined,
  ): Promise<NewApiMigrationReport> {
    if ((file === undefined) === (body.url === undefined)) {
      throw new MigrationError(
        MigrationErrorCode.ValidationFailed,
        'send either file (SQLite) or url, not both',
      );
    }
    let source;
    try {
      source = await openSource(file ? new Uint8Array(file.buffer) : (body.url as string));
    } catch (error) {
      if (error instanceof SourceUnreadable)
        throw new MigrationError(MigrationErrorCode.SourceUnreadable, error.message);
      throw error;
    }
    try {
      return await this.migration.run(actor, source, {
        dryRun: body.dryRun ?? true,
        ...(body.installation ? { installation: body.installation } : {}),
      });
    } finally {
      await source.close();
    }
  }
}
