import type { OperatorRole } from '../../../shared/identity/operator-roles.js';
import { UserSaveSchema, type User, type UserSave } from '../../../shared/identity/accounts.js';
import type { FormProblem } from './scene-form.js';

/** The administrator's user form, as typed: a new user (id null) needs a password; an empty one keeps a user's. */
export interface UserForm {
  id: string | null;
  username: string;
  displayName: string;
  roles: OperatorRole[];
  disabled: boolean;
  password: string;
}

export const blankUserForm: UserForm = { id: null, username: '', displayName: '', roles: [], disabled: false, password: '' };

export function formOfUser(user: User): UserForm {
  return { id: user.id, username: user.username, displayName: user.displayName, roles: [...user.roles], disabled: user.disabled, password: '' };
}

export function withRole(form: UserForm, role: OperatorRole, on: boolean): UserForm {
  const roles = form.roles.filter((held) => held !== role);
  return { ...form, roles: on ? [...roles, role] : roles };
}

/** The save to send, or the problems per field (the same checks the host makes). */
export function userSaveOf(form: UserForm): { ok: true; save: UserSave } | { ok: false; problems: FormProblem[] } {
  const parsed = UserSaveSchema.safeParse({
    id: form.id,
    username: form.username,
    displayName: form.displayName,
    roles: form.roles,
    disabled: form.disabled,
    ...(form.password === '' ? {} : { password: form.password }),
  });
  if (parsed.success) return { ok: true, save: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) };
}
