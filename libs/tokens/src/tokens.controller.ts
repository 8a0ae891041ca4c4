import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { UuidParam } from '@gateway/common/http';
import { Actor, CurrentActor, Roles } from '@gateway/identity';
import { CreateTokenDto } from './dto/create-token.dto';
import { ListTokensQuery } from './dto/list-tokens.query';
import { CreatedTokenView, TokenListView, TokenView } from './views/token.view';
import { UpdateTokenDto } from './dto/update-token.dto';
import { TOKEN_ROLES } from './token-permissions';
import { TokensService } from './tokens.service';

@ApiTags('tokens')
@ApiBearerAuth()
@Controller('api/tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Roles(...TOKEN_ROLES)
  @Get()
  @ApiOkResponse({ type: TokenListView })
  list(@CurrentActor() actor: Actor, @Query() query: ListTokensQuery): Promise<TokenListView> {
    return this.tokens.list(actor, query);
  }

  @Roles(...TOKEN_ROLES)
  @Post()
  @ApiCreatedResponse({ type: CreatedTokenView, description: 'The full key is in `key`, this once.' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateTokenDto): Promise<CreatedTokenView> {
    return this.tokens.create(actor, body);
  }

  @Roles(...TOKEN_ROLES)
  @Get(':id')
  @ApiOkResponse({ type: TokenView })
  get(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<TokenView> {
    return this.tokens.get(actor, id);
  }

  @Roles(...TOKEN_ROLES)
  @Patch(':id')
  @ApiOkResponse({ type: TokenView })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() body: UpdateTokenDto,
  ): Promise<TokenView> {
    return this.tokens.update(actor, id, body);
  }

  @Roles(...TOKEN_ROLES)
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<void> {
    return this.tokens.remove(actor, id);
  }
}
