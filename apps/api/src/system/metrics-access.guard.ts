// Who may scrape GET /metrics: it names channels and models, so it is not public. With METRICS_TOKEN
// set, a scraper sends `Authorization: Bearer <it>`; without one, only a client on this host may ask.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import type { Request } from 'express';

/** Headers a proxy adds: a request carrying one came from elsewhere, whatever socket it arrived on. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1';
}

/** A direct call from this host: the socket is loopback, Express's client address too, and no proxy spoke. */
export function isLoopbackClient(req: Request): boolean {
  return (
    isLoopbackAddress(req.socket.remoteAddress) &&
    isLoopbackAddress(req.ip) &&
    FORWARDING_HEADERS.every((name) => req.headers[name] === undefined)
  );
}

/** Compares digests, so neither the length nor a common prefix of the token leaks through timing. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer ([^\s]+)$/i.exec(header?.trim() ?? '');
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match?.[1] ?? ''), digest(token)) && match !== null;
}

@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const token = this.config.METRICS_TOKEN;
    if (token !== undefined) {
      if (bearerMatches(req.get('authorization'), token)) return true;
      context
        .switchToHttp()
        .getResponse<{ setHeader(n: string, v: string): void }>()
        .setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedException('send Authorization: Bearer <METRICS_TOKEN>');
    }
    if (isLoopbackClient(req)) return true;
    throw new ForbiddenException('/metrics answers only on loopback unless METRICS_TOKEN is set');
  }
}
