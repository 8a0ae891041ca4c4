// Models and prices. Routes take the model name as a wildcard so that names containing "/"
// (OpenRouter's "openai/gpt-4o") work raw or URL-encoded as %2F.
import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { PageQuery } from '@gateway/common/http';
import { Actor, CurrentActor } from '@gateway/identity';
import { CatalogReader, PriceAdmin } from './billing-permissions';
import { ModelCatalogService } from './catalog/model-catalog.service';
import { ListModelsQuery } from './dto/list-models.query';
import { ModelParam } from './dto/model-param.decorator';
import { PricePreviewQuery } from './dto/price-preview.query';
import { SetPriceDto } from './dto/set-price.dto';
import { ModelPricesService } from './model-prices.service';
import { CatalogListView } from './views/catalog-model.view';
import { ModelPriceListView, ModelPriceView } from './views/model-price.view';
import { PricePreviewView } from './views/price-preview.view';

const MODEL_PARAM = {
  name: 'model',
  description: 'model name; a "/" in it may be sent raw or as %2F',
  example: 'openai%2Fgpt-4o',
};

@ApiTags('models')
@ApiBearerAuth()
@Controller('api/models')
export class ModelsController {
  constructor(
    private readonly catalog: ModelCatalogService,
    private readonly prices: ModelPricesService,
  ) {}

  @CatalogReader()
  @Get()
  @ApiOperation({
    summary: 'Models served by enabled channels (a tenant sees its group’s), with current prices',
  })
  @ApiOkResponse({ type: CatalogListView })
  list(@CurrentActor() actor: Actor, @Query() query: ListModelsQuery): Promise<CatalogListView> {
    return this.catalog.list(actor, query);
  }

  @PriceAdmin()
  @Put('*model/price')
  @ApiOperation({ summary: 'Set the price from now on (adds a row; earlier prices stay as they were)' })
  @ApiParam(MODEL_PARAM)
  @ApiOkResponse({ type: ModelPriceView })
  setPrice(
    @CurrentActor() actor: Actor,
    @ModelParam() model: string,
    @Body() body: SetPriceDto,
  ): Promise<ModelPriceView> {
    return this.prices.setPrice(actor, model, body);
  }

  @CatalogReader()
  @Get('*model/price/preview')
  @ApiOperation({ summary: 'What a request with these token counts costs at the current price' })
  @ApiParam(MODEL_PARAM)
  @ApiOkResponse({ type: PricePreviewView })
  async preview(
    @CurrentActor() actor: Actor,
    @ModelParam() model: string,
    @Query() query: PricePreviewQuery,
  ): Promise<PricePreviewView> {
    await this.catalog.assertVisible(actor, model);
    return this.prices.preview(model, query);
  }

  @CatalogReader()
  @Get('*model/price')
  @ApiOperation({ summary: 'The price in force now' })
  @ApiParam(MODEL_PARAM)
  @ApiOkResponse({ type: ModelPriceView })
  async current(@CurrentActor() actor: Actor, @ModelParam() model: string): Promise<ModelPriceView> {
    await this.catalog.assertVisible(actor, model);
    return this.prices.currentView(model);
  }

  @CatalogReader()
  @Get('*model/prices')
  @ApiOperation({ summary: 'Every price the model has had, newest first' })
  @ApiParam(MODEL_PARAM)
  @ApiOkResponse({ type: ModelPriceListView })
  async history(
    @CurrentActor() actor: Actor,
    @ModelParam() model: string,
    @Query() query: PageQuery,
  ): Promise<ModelPriceListView> {
    await this.catalog.assertVisible(actor, model);
    return this.prices.history(model, query);
  }
}
