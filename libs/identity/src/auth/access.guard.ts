import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_KEY, AccessRule, AuthenticatedRequest } from './access.decorators';
import { AuthService } from './auth.service';
import { IdentityError, IdentityErrorCode } from '../identity.errors';

export const SESSION_COOKIE = 'gw_session';

/** Global guard: reads the route's access rule and the caller's session (Bearer header or cookie). */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    // A route that declares nothing is a mistake; refuse rather than guess.
    if (!rule) throw new IdentityError(IdentityErrorCode.Forbidden);
    if (rule.kind === 'public') return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = sessionTokenOf(request);
    const user = token ? await this.auth.authenticate(token) : undefined;
    if (!user) throw new IdentityError(IdentityErrorCode.Unauthenticated);
    request.user = user;
    request.sessionToken = token;
    if (rule.kind === 'roles' && !rule.roles.includes(user.role))
      throw new IdentityError(IdentityErrorCode.Forbidden);
    return true;
  }
}

export function sessionTokenOf(request: AuthenticatedRequest): string | undefined {
  // The scheme is case-insensitive (RFC 7235 §2.1): `bearer …` from a script is a Bearer token too.
  const bearer = /^Bearer\s(.*)$/is.exec(request.headers.authorization ?? '');
  if (bearer) return bearer[1]?.trim();
  const cookies = request.cookies as Record<string, string> | undefined;
  return cookies?.[SESSION_COOKIE];
}
