// A NewAPI / one-api `users` row → the account this gateway makes of it. Roles: 1 common user,
// 10 admin, 100 root; status 1 enabled, 2 disabled; `quota` is what is left to spend (`used_quota`
// is history and is not imported).
import { GROUP_PATTERN } from '@gateway/channels';
import { isBcryptHash, Role } from '@gateway/identity';
import type { SourceRow } from './source/newapi-source';
import { integer, text } from './source-values';

export interface PlannedUser {
  sourceId: string;
  username: string;
  email: string | null;
  name: string | null;
  role: Role.Owner | Role.SuperAdmin;
  disabled: boolean;
  group: string;
  /** The source's bcrypt hash, or '' when it has none (such a user cannot sign in until given one). */
  passwordHash: string;
  quota: bigint;
  notes: string[];
}

export type UserPlan = { ok: true; planned: PlannedUser } | { ok: false; reason: string };

/** Why a soft-deleted user is skipped (and an account an earlier run made of them disabled). */
export const USER_DELETED = 'deleted in the source';

const USERNAME_LENGTH = 64;

export function planUser(row: SourceRow): UserPlan {
  if (text(row, 'deleted_at').trim() !== '') return { ok: false, reason: USER_DELETED };
  const username = text(row, 'username').trim();
  if (!username || username.length > USERNAME_LENGTH) return { ok: false, reason: 'no usable username' };
  const notes: string[] = [];
  const rawGroup = text(row, 'group').trim().toLowerCase() || 'default';
  const group = GROUP_PATTERN.test(rawGroup) ? rawGroup : 'default';
  if (group !== rawGroup)
    notes.push(`${username}: group ${JSON.stringify(rawGroup)} is not a group name here; "default" used`);
  const password = text(row, 'password');
  if (!isBcryptHash(password))
    notes.push(`${username}: no bcrypt password in the source; set one before they can sign in`);
  const email = text(row, 'email').trim();
  const displayName = text(row, 'display_name').trim();
  return {
    ok: true,
    planned: {
      sourceId: text(row, 'id'),
      username,
      email: email.includes('@') ? email : null,
      name: (displayName || username).slice(0, 200),
      role: integer(row, 'role', 1n) >= 10n ? Role.SuperAdmin : Role.Owner,
      disabled: integer(row, 'status', 1n) !== 1n,
      group,
      passwordHash: isBcryptHash(password) ? password : '',
      quota: integer(row, 'quota'),
      notes,
    },
  };
}
