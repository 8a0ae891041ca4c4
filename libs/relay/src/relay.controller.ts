// The OpenAI-compatible surface. Thin: the relay service answers (and records) every request itself,
// in OpenAI's error shape, so these handlers only pick the endpoint.
import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@gateway/identity';
import type { Request, Response } from 'express';
import { RelayService } from './relay/relay.service';

/** /v1 authenticates with its own API keys (Bearer sk-…), not dashboard sessions. */
@Public()
@ApiExcludeController()
@Controller('v1')
export class RelayController {
  constructor(private readonly relay: RelayService) {}

  @Get('models')
  listModels(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.models(req, res);
  }

  @Get('models/:model')
  retrieveModel(@Req() req: Request, @Res() res: Response, @Param('model') model: string): Promise<void> {
    return this.relay.models(req, res, model);
  }

  @Get('usage')
  usage(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.ownUsage(req, res);
  }

  @Post('chat/completions')
  chatCompletions(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.relay('chat.completions', req, res);
  }

  @Post('completions')
  completions(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.relay('completions', req, res);
  }

  @Post('embeddings')
  embeddings(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.relay('embeddings', req, res);
  }
}
