import { Actor, IdentityError, Role } from '@gateway/identity';
import { testActor } from '@gateway/testing';
import { TOKEN_ROLES, tokenOwnerFor, tokenScope } from './token-permissions';

const actor = (role: Role, tenantId = 'tenant-a'): Actor =>
  testActor(role, role === Role.SuperAdmin ? null : tenantId);

describe('token permissions', () => {
  it('let every role but finance reach the token routes', () => {
    expect([...TOKEN_ROLES].sort()).toEqual([Role.Admin, Role.Member, Role.Owner, Role.SuperAdmin].sort());
  });

  it('scope owners and admins to their tenant, members to their own tokens, super admins to anything', () => {
    expect(tokenScope(actor(Role.Owner))).toEqual({ tenantId: 'tenant-a' });
    expect(tokenScope(actor(Role.Admin))).toEqual({ tenantId: 'tenant-a' });
    expect(tokenScope(actor(Role.Member))).toEqual({ tenantId: 'tenant-a', userId: 'user-member' });
    expect(tokenScope(actor(Role.SuperAdmin))).toEqual({});
    expect(tokenScope(actor(Role.SuperAdmin), 'tenant-b')).toEqual({ tenantId: 'tenant-b' });
  });

  it('answer 404 for another tenant and 403 for finance', () => {
    expect(() => tokenScope(actor(Role.Owner), 'tenant-b')).toThrow(
      expect.objectContaining({ status: 404 }) as unknown as Error,
    );
    expect(() => tokenScope(actor(Role.Finance))).toThrow(IdentityError);
    expect(() => tokenScope(actor(Role.Finance))).toThrow(
      expect.objectContaining({ status: 403 }) as unknown as Error,
    );
  });

  it('make the creating tenant user the owner; a super admin’s token belongs to no member', () => {
    expect(tokenOwnerFor(actor(Role.Member))).toBe('user-member');
    expect(tokenOwnerFor(actor(Role.Admin))).toBe('user-admin');
    expect(tokenOwnerFor(actor(Role.SuperAdmin))).toBeNull();
  });
});
