import { z } from 'zod';
import { CrewIdSchema } from '../domain/directory.js';
import { OperatorRoleSchema } from './operator-roles.js';
import { CredentialIdSchema, UserIdSchema } from './principal.js';

export const UsernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, 'a user name is 2 to 32 letters, digits, dots, dashes or underscores');
/** Long enough that guessing is hopeless at the sign-in throttle's pace; no composition rules (NIST SP 800-63B). */
export const PasswordSchema = z.string().min(10, 'a password has at least 10 characters').max(200);

export const UserSchema = z
  .object({
    id: UserIdSchema,
    username: z.string(),
    displayName: z.string(),
    roles: z.array(OperatorRoleSchema),
    disabled: z.boolean(),
    createdAt: z.string(),
    lastSignInAt: z.string().nullable(),
  })
  .strict();
export type User = z.infer<typeof UserSchema>;

/** Adds a user (id null, password required) or changes one (a password given replaces theirs). */
export const UserSaveSchema = z
  .object({
    id: UserIdSchema.nullable(),
    username: UsernameSchema,
    displayName: z.string().trim().min(1).max(50),
    roles: z.array(OperatorRoleSchema).max(5).refine((roles) => new Set(roles).size === roles.length, 'a role is listed twice'),
    disabled: z.boolean(),
    password: PasswordSchema.optional(),
  })
  .strict()
  .refine((save) => save.id !== null || save.password !== undefined, { message: 'a new user needs a password', path: ['password'] });
export type UserSave = z.infer<typeof UserSaveSchema>;

export const SignInSchema = z.object({ username: UsernameSchema, password: z.string().min(1).max(200) }).strict();
export type SignIn = z.infer<typeof SignInSchema>;

/** A one-time code: the start-up sign-in link's, or a crew phone's or wall screen's enrolment. */
export const OneTimeCodeSchema = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/);

export const credentialKinds = ['session', 'crew', 'screen'] as const;
export const CredentialKindSchema = z.enum(credentialKinds);
export type CredentialKind = z.infer<typeof CredentialKindSchema>;

/** What the settings screen lists: every credential that can reach this host, without its secret. */
export const CredentialSummarySchema = z
  .object({
    id: CredentialIdSchema,
    kind: CredentialKindSchema,
    /** The user's name (session), the crew (crew) or the screen's label (screen). */
    subject: z.string(),
    crewId: CrewIdSchema.nullable(),
    createdAt: z.string(),
    createdBy: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    /** Issued, its one-time code not used yet. */
    pending: z.boolean(),
  })
  .strict();
export type CredentialSummary = z.infer<typeof CredentialSummarySchema>;

export const DeviceCredentialRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('crew'), crewId: CrewIdSchema }).strict(),
  z.object({ kind: z.literal('screen'), label: z.string().trim().min(1).max(50) }).strict(),
]);
export type DeviceCredentialRequest = z.infer<typeof DeviceCredentialRequestSchema>;

/** An issued device credential and the one-time code its device enrols with (shown once, as a link and a QR code). */
export const IssuedCredentialSchema = z
  .object({ credential: CredentialSummarySchema, enrolmentCode: OneTimeCodeSchema, codeExpiresAt: z.string() })
  .strict();
export type IssuedCredential = z.infer<typeof IssuedCredentialSchema>;

/** Where a page takes a one-time code from: the URL's fragment (`#code=…`), which a browser never sends to a server. */
export const ONE_TIME_CODE_FRAGMENT = 'code';
