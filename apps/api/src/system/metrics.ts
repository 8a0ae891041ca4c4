// Prometheus metrics of the api process: prom-client's default process metrics plus request timings.
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export class HttpMetrics {
  readonly registry = new Registry();
  private readonly duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request to response end, by method, route template and status.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Express middleware; labels use the matched route template, never the raw URL (cardinality). */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const end = this.duration.startTimer();
      res.once('finish', () => {
        // The relay's fast path names its route itself (it answers before any router matched one).
        const named: unknown = res.locals['route'];
        const template = (req.route as { path?: string } | undefined)?.path;
        const route =
          typeof named === 'string'
            ? named
            : template && !template.includes('*')
              ? `${req.baseUrl}${template}`
              : res.statusCode === 404
                ? 'unmatched'
                : 'static';
        end({ method: req.method, route, status_code: String(res.statusCode) });
      });
      next();
    };
  }
}
