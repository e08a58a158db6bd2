import { z } from 'zod';

/** The screens of the command centre; each opens alone at `/<role>` (the kiosk URL of a wall screen). */
export const roles = ['map', 'video', 'dispatch', 'plans'] as const;
export const RoleSchema = z.enum(roles);
export type Role = z.infer<typeof RoleSchema>;

export function roleFromPath(pathname: string): Role | null {
  const first = pathname.split('/').filter(Boolean)[0] ?? '';
  return (roles as readonly string[]).includes(first) ? (first as Role) : null;
}
