// The /v1 media routes: images, audio, moderations and rerank, relayed to OpenAI-compatible channels
// through the same use case as chat (auth, limits, holds, failover, usage records, x-routed-via).
// Thin: JSON routes hand over the parsed body; upload routes hand over the unread request, which
// the relay reads (after authenticating the caller) into temporary files removed when it is over.
import { Controller, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@gateway/identity';
import type { MediaEndpoint } from '@gateway/providers';
import type { Request, Response } from 'express';
import { apiKeyOf } from './relay/request-api-key';
import { sessionIdOf } from './relay/sticky-sessions';
import type { MediaIngress } from './usecases/relay-media/media-ingress';
import { MediaRelays, UPLOAD_LIMITS } from './usecases/relay-media/media-relays';
import { RelayRequest } from './usecases/relay-request/relay-request.usecase';
import { watchClientGone } from './relay/client-gone';

@Public()
@ApiExcludeController()
@Controller('v1')
export class MediaController {
  constructor(
    private readonly relayRequest: RelayRequest,
    private readonly media: MediaRelays,
  ) {}

  @Post('images/generations')
  imagesGenerations(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.json('images.generations', req, res);
  }

  @Post('images/edits')
  imagesEdits(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.upload('images.edits', req, res, UPLOAD_LIMITS.images);
  }

  @Post('audio/transcriptions')
  transcriptions(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.upload('audio.transcriptions', req, res, UPLOAD_LIMITS.audio);
  }

  @Post('audio/translations')
  translations(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.upload('audio.translations', req, res, UPLOAD_LIMITS.audio);
  }

  @Post('audio/speech')
  speech(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.json('audio.speech', req, res);
  }

  @Post('moderations')
  moderations(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.json('moderations', req, res);
  }

  @Post('rerank')
  rerank(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.json('rerank', req, res);
  }

  private json(endpoint: MediaEndpoint, req: Request, res: Response): Promise<void> {
    return this.relay(endpoint, req, res, this.media.json(endpoint, req.body), req.body);
  }

  private async upload(endpoint: MediaEndpoint, req: Request, res: Response, limit: number): Promise<void> {
    const media = this.media.upload(endpoint, { headers: req.headers, body: req }, limit);
    try {
      await this.relay(endpoint, req, res, media, undefined);
    } finally {
      await media.dispose();
    }
  }

  private relay(
    endpoint: MediaEndpoint,
    req: Request,
    res: Response,
    media: MediaIngress,
    body: unknown,
  ): Promise<void> {
    const gone = watchClientGone(res);
    return this.relayRequest.execute(
      {
        apiKey: apiKeyOf(req),
        clientIp: req.ip,
        requestId: String(req.id ?? ''),
        sessionId: sessionIdOf(req.headers['x-session-id']),
        body,
        clientGone: gone,
        endpoint,
        media,
      },
      res,
    );
  }
}
