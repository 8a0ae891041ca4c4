// An Actor as the auth guard builds it, for unit specs of permission rules. Typed by its shape: the
// domain libs' specs import this lib, so it cannot import their types back (a project cycle).

/** `user-<role>`, `<role>@example.test`; no client IP or request id. */
export function testActor<R extends string>(
  role: R,
  tenantId: string | null,
): { userId: string; email: string; role: R; tenantId: string | null; ip: null; requestId: null } {
  return { userId: `user-${role}`, email: `${role}@example.test`, role, tenantId, ip: null, requestId: null };
}
