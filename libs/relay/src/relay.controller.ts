// The /v1 surface: OpenAI's routes (Responses included) and Anthropic's Messages. Thin: each handler
// reads what the relay needs of the HTTP request into a command (nothing below reads the request)
// and calls its use case; the relay answers every request, errors included, in the shape of the
// route's format. This is the one place that names a format: it hands the relay the ingress (codec
// and error shape) to speak.
import { Controller, Get, HttpCode, Logger, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@gateway/identity';
import {
  anthropicCodec,
  anthropicErrorBody,
  openAiErrorBody,
  openAiResponsesCodec,
  type OpenAiEndpoint,
} from '@gateway/providers';
import type { Request, Response } from 'express';
import { asRelayError } from './relay/as-relay-error';
import { apiKeyOf } from './relay/request-api-key';
import { sendRelayError, type ErrorBodyOf } from './relay/send-relay-error';
import { sessionIdOf } from './relay/sticky-sessions';
import { CountTokens } from './usecases/count-tokens/count-tokens.usecase';
import { GetOwnUsage } from './usecases/get-own-usage/get-own-usage.usecase';
import { ListModels } from './usecases/list-models/list-models.usecase';
import type { RelayIngress } from './usecases/relay-request/relay-request.command';
import { RelayRequest } from './usecases/relay-request/relay-request.usecase';
import { watchClientGone } from './relay/client-gone';

/** Anthropic's Messages API, for `@anthropic-ai/sdk` and Claude Code. */
const MESSAGES: RelayIngress = {
  endpoint: 'messages',
  codec: anthropicCodec,
  // Anthropic's SDK reads `error.type`, which its status table decides (an upstream's OpenAI type is no help).
  errorBody: ({ status, message }) => anthropicErrorBody({ status, message }),
};

/**
 * The Messages ingress for one request: as Anthropic's own answers do, it names the request in the
 * `request-id` header (the SDK's `requestID`) and in an error's `request_id` (the gateway's id,
 * which finds the request in the logs and usage records). The client's `anthropic-beta` (the SDK's
 * `betas`, Claude Code's features) goes on to Anthropic channels, which refuse or ignore a body's
 * beta fields without it.
 */
function messagesFor(req: Request, res: Response): RelayIngress {
  const requestId = String(req.id ?? '');
  res.setHeader('request-id', requestId);
  const beta = req.headers['anthropic-beta'];
  const betas = (Array.isArray(beta) ? beta.join(',') : (beta ?? '')).trim();
  return {
    ...MESSAGES,
    ...(betas === '' ? {} : { headers: { 'anthropic-beta': betas } }),
    errorBody: ({ status, message }) => anthropicErrorBody({ status, message, requestId }),
  };
}

/** OpenAI's Responses API (`client.responses.create`), stateless: the whole conversation in `input`. */
const RESPONSES: RelayIngress = {
  endpoint: 'responses',
  codec: openAiResponsesCodec,
  errorBody: openAiErrorBody,
};

/** /v1 authenticates with its own API keys (Bearer sk-…), not dashboard sessions. */
@Public()
@ApiExcludeController()
@Controller('v1')
export class RelayController {
  private readonly logger = new Logger('Relay');

  constructor(
    private readonly listModels: ListModels,
    private readonly ownUsage: GetOwnUsage,
    private readonly countTokens: CountTokens,
    private readonly relayRequest: RelayRequest,
  ) {}

  @Get('models')
  models(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.answer(res, this.listModels.execute({ apiKey: apiKeyOf(req), clientIp: req.ip }));
  }

  @Get('models/:model')
  retrieveModel(@Req() req: Request, @Res() res: Response, @Param('model') model: string): Promise<void> {
    return this.answer(res, this.listModels.execute({ apiKey: apiKeyOf(req), clientIp: req.ip, model }));
  }

  @Get('usage')
  usage(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.answer(res, this.ownUsage.execute({ apiKey: apiKeyOf(req), clientIp: req.ip }));
  }

  @Post('chat/completions')
  chatCompletions(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay('chat.completions', req, res);
  }

  @Post('completions')
  completions(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay('completions', req, res);
  }

  @Post('embeddings')
  embeddings(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay('embeddings', req, res);
  }

  @Post('messages')
  messages(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay(messagesFor(req, res), req, res);
  }

  @Post('responses')
  responses(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay(RESPONSES, req, res);
  }

  @Post('messages/count_tokens')
  @HttpCode(200)
  messagesCountTokens(@Req() req: Request, @Res() res: Response): Promise<void> {
    const command = { apiKey: apiKeyOf(req), clientIp: req.ip, codec: MESSAGES.codec, body: req.body };
    const counted = this.countTokens.execute(command).then((inputTokens) => ({ input_tokens: inputTokens }));
    return this.answer(res, counted, messagesFor(req, res).errorBody);
  }

  private relay(format: OpenAiEndpoint | RelayIngress, req: Request, res: Response): Promise<void> {
    const clientGone = watchClientGone(res);
    const apiKey = apiKeyOf(req);
    const clientIp = req.ip;
    const requestId = String(req.id ?? '');
    const sessionId = sessionIdOf(req.headers['x-session-id']);
    const body: unknown = req.body;
    // Each command one literal, not a spread and a field (a runtime call in V8: issue #16).
    return this.relayRequest.execute(
      typeof format === 'string'
        ? { apiKey, clientIp, requestId, sessionId, body, clientGone, endpoint: format }
        : {
            apiKey,
            clientIp,
            requestId,
            sessionId,
            body,
            clientGone,
            endpoint: format.endpoint,
            ingress: format,
          },
      res,
    );
  }

  /** Sends a use case's answer as JSON, or its failure in the route's error shape (OpenAI's by default). */
  private async answer(res: Response, answer: Promise<unknown>, errorBody?: ErrorBodyOf): Promise<void> {
    try {
      res.json(await answer);
    } catch (error) {
      sendRelayError(res, asRelayError(error, this.logger), {}, errorBody);
    }
  }
}
