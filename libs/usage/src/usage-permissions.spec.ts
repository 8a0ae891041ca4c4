import { Actor, Role } from '@gateway/identity';
import { USAGE_ROLES, usageScope } from './usage-permissions';

const actor = (role: Role, tenantId: string | null = 'tenant-a'): Actor => ({
  userId: `user-${role}`,
  email: `${role}@example.test`,
  role,
  tenantId: role === Role.SuperAdmin ? null : tenantId,
  ip: null,
  requestId: null,
});

describe('usage permissions', () => {
  it('let every role read usage (finance included: it reads usage and invoices)', () => {
    expect([...USAGE_ROLES].sort()).toEqual(
      [Role.Admin, Role.Finance, Role.Member, Role.Owner, Role.SuperAdmin].sort(),
    );
  });

  it('scope tenant roles to their tenant, members to their own tokens, super admins to anything', () => {
    expect(usageScope(actor(Role.Owner))).toEqual({ tenantId: 'tenant-a' });
    expect(usageScope(actor(Role.Admin))).toEqual({ tenantId: 'tenant-a' });
    expect(usageScope(actor(Role.Finance))).toEqual({ tenantId: 'tenant-a' });
    expect(usageScope(actor(Role.Member))).toEqual({ tenantId: 'tenant-a', tokenOwnerId: 'user-member' });
    expect(usageScope(actor(Role.SuperAdmin))).toEqual({});
    expect(usageScope(actor(Role.SuperAdmin), 'tenant-b')).toEqual({ tenantId: 'tenant-b' });
  });

  it('answer 404 when a tenant user names another tenant', () => {
    for (const role of [Role.Owner, Role.Admin, Role.Finance, Role.Member]) {
      expect(() => usageScope(actor(role), 'tenant-b')).toThrow(
        expect.objectContaining({ status: 404 }) as unknown as Error,
      );
    }
    expect(usageScope(actor(Role.Owner), 'tenant-a')).toEqual({ tenantId: 'tenant-a' });
  });
});
