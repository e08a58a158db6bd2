import { z } from 'zod';
import { CrewIdSchema } from '../domain/directory.js';
import { OperatorRoleSchema } from './operator-roles.js';

export const UserIdSchema = z.string().regex(/^US[0-9a-f]{12}$/);
export const CredentialIdSchema = z.string().regex(/^CD[0-9a-f]{12}$/);

/**
 * Who is calling, as the host established it from the caller's credential (never from what the caller says):
 * nobody yet, a signed-in user (whose session may be locked: the wall stays visible, commands are refused), a crew's
 * enrolled terminal, or a kiosk wall screen.
 */
export const PrincipalSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('anonymous') }).strict(),
  z
    .object({
      kind: z.literal('user'),
      userId: UserIdSchema,
      username: z.string(),
      displayName: z.string(),
      roles: z.array(OperatorRoleSchema),
      /** The sign-in session's credential (what sign-out and lock act on). */
      credentialId: CredentialIdSchema,
      locked: z.boolean(),
      expiresAt: z.string(),
    })
    .strict(),
  z.object({ kind: z.literal('crew'), crewId: CrewIdSchema, credentialId: CredentialIdSchema, label: z.string() }).strict(),
  z.object({ kind: z.literal('screen'), credentialId: CredentialIdSchema, label: z.string() }).strict(),
]);
export type Principal = z.infer<typeof PrincipalSchema>;
export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

export const anonymous: Principal = { kind: 'anonymous' };

/** The name the audit trail, call log, runs and stills record for a principal. */
export function principalName(principal: Principal): string {
  switch (principal.kind) {
    case 'user':
      return principal.displayName === principal.username ? principal.username : `${principal.displayName} (${principal.username})`;
    case 'crew':
      return `crew ${principal.crewId}`;
    case 'screen':
      return `screen ${principal.label}`;
    case 'anonymous':
      return 'anonymous';
  }
}
