import { Actor, Role } from '@gateway/identity';
import { testActor } from '@gateway/testing';
import { USAGE_ROLES, usageScope } from './usage-permissions';

const actor = (role: Role, tenantId = 'tenant-a'): Actor =>
  testActor(role, role === Role.SuperAdmin ? null : tenantId);

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
