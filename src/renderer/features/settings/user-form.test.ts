import { describe, expect, it } from 'vitest';
import type { User } from '../../../shared/identity/accounts.js';
import { blankUserForm, formOfUser, userSaveOf, withRole } from './user-form.js';

const user: User = {
  id: 'US0123456789ab',
  username: 'wang',
  displayName: 'Wang Li',
  roles: ['dispatcher'],
  disabled: false,
  createdAt: '2026-01-01T00:00:00Z',
  lastSignInAt: null,
};

describe('user form', () => {
  it('asks a new user for a password and a valid user name', () => {
    const result = userSaveOf({ ...blankUserForm, username: 'A', displayName: 'x' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((problem) => problem.path).sort()).toEqual(['password', 'username']);
  });

  it('keeps an existing user password when the field is left empty, and normalises the user name', () => {
    const result = userSaveOf({ ...formOfUser(user), username: ' Wang ' });
    expect(result).toEqual({ ok: true, save: { id: user.id, username: 'wang', displayName: 'Wang Li', roles: ['dispatcher'], disabled: false } });
  });

  it('adds and removes roles without listing one twice', () => {
    let form = withRole(formOfUser(user), 'commander', true);
    form = withRole(form, 'commander', true);
    expect(form.roles).toEqual(['dispatcher', 'commander']);
    expect(withRole(form, 'dispatcher', false).roles).toEqual(['commander']);
  });

  it('refuses a short new password', () => {
    const result = userSaveOf({ ...blankUserForm, username: 'li', displayName: 'Li', password: 'short' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.path).toBe('password');
  });
});
