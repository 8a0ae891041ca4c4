// Every /api route says who may call it. The AccessGuard refuses any route that says nothing.
import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { User } from '../entities/user.entity';
import { Role } from '../roles';

export const ACCESS_KEY = 'gateway:access';

export type AccessRule = { kind: 'public' } | { kind: 'authenticated' } | { kind: 'roles'; roles: Role[] };

/** No dashboard session needed (health checks, login, the /v1 relay which has its own token auth). */
export const Public = () => SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies AccessRule);

/** Any logged-in user. */
export const Authenticated = () => SetMetadata(ACCESS_KEY, { kind: 'authenticated' } satisfies AccessRule);

/** A logged-in user holding one of these roles. */
export const Roles = (...roles: Role[]) =>
  SetMetadata(ACCESS_KEY, { kind: 'roles', roles } satisfies AccessRule);

export interface AuthenticatedRequest extends Request {
  user?: User;
  sessionToken?: string;
}

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): User | undefined => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().user;
});
