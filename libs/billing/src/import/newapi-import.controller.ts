import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '@gateway/identity';
import { PriceAdmin } from '../billing-permissions';
import { ImportNewApiDto } from './dto/import-newapi.dto';
import { NewApiImportService } from './newapi-import.service';
import { NewApiImportView } from './views/newapi-import.view';

@ApiTags('models')
@ApiBearerAuth()
@Controller('api/models/import')
export class NewApiImportController {
  constructor(private readonly importer: NewApiImportService) {}

  @PriceAdmin()
  @Post('newapi')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Set prices from NewAPI / one-api ratios (ModelRatio, CompletionRatio, CacheRatio, QuotaPerUnit)',
  })
  @ApiOkResponse({ type: NewApiImportView })
  importNewApi(@CurrentActor() actor: Actor, @Body() body: ImportNewApiDto): Promise<NewApiImportView> {
    return this.importer.importRatios(actor, body);
  }
}
