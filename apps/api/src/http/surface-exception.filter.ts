import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { writeErrorResponse } from '@gateway/common';
import type { Request, Response } from 'express';
import { errorFacts } from './error-facts';
import { errorBody, surfaceOf } from './error-shapes';

/**
 * Every error leaving the api process, shaped for the surface it came in on: OpenAI's shape under
 * /v1, ours under /api and elsewhere. Unexpected errors are logged and answered with a bare 500.
 */
@Catch()
export class SurfaceExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    sendError(exception, req, res, this.logger);
  }
}

export function sendError(exception: unknown, req: Request, res: Response, logger: Logger): void {
  const surface = surfaceOf(req);
  const facts = errorFacts(exception, surface);
  if (facts.status >= 500)
    logger.error({ err: exception, reqId: (req as { id?: string }).id }, 'request failed');
  writeErrorResponse(res, facts, errorBody(surface, facts, req.path));
}
