// Google's Gemini surface, for `@google/genai` clients: POST /v1beta/models/{model}:generateContent,
// :streamGenerateContent?alt=sse and :countTokens. The model and streaming live in the URL, the key
// in `x-goog-api-key` or `?key=` (the access log redacts it); the relay answers, errors included, in
// Google's format.
import { Controller, Logger, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@gateway/identity';
import { geminiCodec, geminiErrorBody } from '@gateway/providers';
import type { Request, Response } from 'express';
import { RelayError, RelayErrorCode } from './relay.errors';
import { asRelayError } from './relay/as-relay-error';
import { googleKeyOf } from './relay/request-api-key';
import { sendRelayError } from './relay/send-relay-error';
import { sessionIdOf } from './relay/sticky-sessions';
import { CountTokens } from './usecases/count-tokens/count-tokens.usecase';
import { RelayRequest } from './usecases/relay-request/relay-request.usecase';
import { watchClientGone } from './relay/client-gone';

const errorBody = geminiErrorBody;

@Public()
@ApiExcludeController()
@Controller('v1beta')
export class GenerateContentController {
  private readonly logger = new Logger('Relay');

  constructor(
    private readonly relayRequest: RelayRequest,
    private readonly countTokens: CountTokens,
  ) {}

  /** `target` is `{model}:{method}`; a model name may itself hold colons, the method follows the last. */
  @Post('models/:target')
  generate(@Req() req: Request, @Res() res: Response, @Param('target') target: string): Promise<void> {
    const at = target.lastIndexOf(':');
    const model = at > 0 ? target.slice(0, at) : '';
    const method = at > 0 ? target.slice(at + 1) : '';
    const stream = method === 'streamGenerateContent';
    if (model !== '' && method === 'countTokens') return this.count(req, res, model);
    if (model === '' || (!stream && method !== 'generateContent')) {
      sendRelayError(
        res,
        new RelayError(RelayErrorCode.InvalidRequest, `the method ${method || target} is not served here`, {
          status: 404,
          param: null,
        }),
        {},
        errorBody,
      );
      return Promise.resolve();
    }
    if (stream && req.query['alt'] !== 'sse') {
      // Without alt=sse Google streams one JSON array; the gateway streams server-sent events only.
      sendRelayError(
        res,
        new RelayError(RelayErrorCode.InvalidRequest, 'streamGenerateContent is served with ?alt=sse only', {
          param: 'alt',
        }),
        {},
        errorBody,
      );
      return Promise.resolve();
    }
    const gone = watchClientGone(res);
    return this.relayRequest.execute(
      {
        apiKey: googleKeyOf(req),
        clientIp: req.ip,
        requestId: String(req.id ?? ''),
        sessionId: sessionIdOf(req.headers['x-session-id']),
        body: req.body,
        clientGone: gone,
        endpoint: 'generate_content',
        ingress: { endpoint: 'generate_content', codec: geminiCodec, context: { model, stream }, errorBody },
      },
      res,
    );
  }

  /**
   * `:countTokens`: the gateway's estimate, as /v1/messages/count_tokens gives it (no upstream is
   * called). Its body is `{contents}`, or `{generateContentRequest}` wrapping a whole request.
   */
  private async count(req: Request, res: Response, model: string): Promise<void> {
    const body: unknown = req.body;
    const wrapped = isObject(body) && isObject(body['generateContentRequest']);
    try {
      const totalTokens = await this.countTokens.execute({
        apiKey: googleKeyOf(req),
        clientIp: req.ip,
        codec: geminiCodec,
        context: { model },
        body: wrapped ? body['generateContentRequest'] : body,
      });
      res.status(200).json({ totalTokens });
    } catch (error) {
      sendRelayError(res, asRelayError(error, this.logger), {}, errorBody);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
