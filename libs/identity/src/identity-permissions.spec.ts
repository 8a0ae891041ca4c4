import {
  canManageRole,
  EDITABLE_TENANT_FIELDS,
  forbiddenTenantFields,
  MANAGEABLE_ROLES,
  TENANT_EDITOR_ROLES,
  USER_MANAGER_ROLES,
} from './identity-permissions';
import { Role, ROLES } from './roles';

const TENANT_ROLES = ROLES.filter((r) => r !== Role.SuperAdmin);

describe('identity permissions', () => {
  it('a super admin manages every role; nobody else manages super admins', () => {
    for (const role of ROLES) expect(canManageRole(Role.SuperAdmin, role)).toBe(true);
    for (const role of TENANT_ROLES) expect(canManageRole(role, Role.SuperAdmin)).toBe(false);
  });

  it('an owner manages every tenant role; an admin only members (finance reads invoices, an admin does not)', () => {
    expect(MANAGEABLE_ROLES[Role.Owner]).toEqual(expect.arrayContaining(TENANT_ROLES));
    expect([...MANAGEABLE_ROLES[Role.Admin]].sort()).toEqual([Role.Member]);
  });

  it('members and finance manage nobody, so they may not even list users', () => {
    expect(USER_MANAGER_ROLES).toEqual([Role.SuperAdmin, Role.Owner, Role.Admin]);
  });

  it('nobody can hand out a role above what they may manage (no escalation)', () => {
    for (const actor of ROLES) {
      for (const target of MANAGEABLE_ROLES[actor]) {
        // Whoever a role can create must not be able to manage more than its creator.
        for (const reachable of MANAGEABLE_ROLES[target]) expect(canManageRole(actor, reachable)).toBe(true);
      }
    }
  });

  it('an owner edits name, timezone and billing email, never group or status', () => {
    expect(forbiddenTenantFields(Role.Owner, ['name', 'group', 'status', 'timezone'])).toEqual([
      'group',
      'status',
    ]);
    expect(forbiddenTenantFields(Role.SuperAdmin, ['group', 'status'])).toEqual([]);
    expect(TENANT_EDITOR_ROLES).toEqual([Role.SuperAdmin, Role.Owner, Role.Finance]);
    for (const role of [Role.Admin, Role.Member]) expect(EDITABLE_TENANT_FIELDS[role]).toEqual([]);
  });

  it('the owner and finance keep the billing profile; finance changes nothing else', () => {
    expect(forbiddenTenantFields(Role.Owner, ['billingProfile'])).toEqual([]);
    expect(forbiddenTenantFields(Role.Finance, ['billingProfile'])).toEqual([]);
    expect(forbiddenTenantFields(Role.Finance, ['name', 'billingEmail', 'billingProfile'])).toEqual([
      'name',
      'billingEmail',
    ]);
    expect(forbiddenTenantFields(Role.Admin, ['billingProfile'])).toEqual(['billingProfile']);
  });
});
