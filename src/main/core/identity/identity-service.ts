import { createHash, randomBytes } from 'node:crypto';
import { ApiFailure, apiError } from '../../../shared/contract/errors.js';
import { operatorRoles } from '../../../shared/identity/operator-roles.js';
import { principalName, type Principal, type UserPrincipal } from '../../../shared/identity/principal.js';
import type { CredentialSummary, DeviceCredentialRequest, IssuedCredential, User, UserSave } from '../../../shared/identity/accounts.js';
import type { Logger } from '../../../node/logger.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';
import { CredentialRepository, type CredentialRow } from './credential-repository.js';
import { NO_USER_HASH, hashPassword, verifyPassword } from './passwords.js';
import { SignInThrottle } from './sign-in-throttle.js';
import { UserRepository, newUserId, type StoredUser } from './user-repository.js';

/** A duty shift and then some: a session ends 12 hours after sign-in, whatever happens on the wall. */
const SESSION_MS = 12 * 3_600_000;
/** A start-up sign-in link or a device's enrolment code is good for a day, once. */
const CODE_MS = 24 * 3_600_000;
/** The last-used time is written at most this often per credential (a call per frame must not write per call). */
const TOUCH_EVERY_MS = 60_000;

export const BOOTSTRAP_ADMIN = 'admin';

export interface SignedIn {
  /** The credential's secret: the cookie or the window's binding; never shown, logged or stored. */
  secret: string;
  principal: Principal;
}

export interface IdentityOptions {
  db: SqliteDatabase;
  now: () => Date;
  logger: Logger;
}

/** What changed for the connections holding a credential: they re-read it, or close (revoked, signed out). */
export type CredentialChange = { credentialId: string; change: 'updated' | 'ended' };

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function newSecret(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Who may reach this console: users with passwords and roles, their sign-in sessions, and the credentials of crew
 * phones and wall screens. Every call is checked against the credential as stored now, so a revocation, a disabled
 * user or a changed role counts from the next call.
 */
export class IdentityService {
  readonly users: UserRepository;
  readonly credentials: CredentialRepository;
  private readonly throttle: SignInThrottle;
  private readonly touched = new Map<string, number>();
  private readonly listeners = new Set<(change: CredentialChange) => void>();

  constructor(private readonly options: IdentityOptions) {
    this.users = new UserRepository(options.db);
    this.credentials = new CredentialRepository(options.db);
    this.throttle = new SignInThrottle(() => options.now().getTime());
    const pruned = this.credentials.prune(options.now());
    if (pruned > 0) options.logger.info('ended credentials and unused codes removed', { count: pruned });
  }

  /**
   * On a console with no users: the administrator `admin`, holding every role (on a new install one person is the
   * whole centre until they add users), with the password given, or a random one returned to be shown once.
   */
  async bootstrap(givenPassword: string | null): Promise<{ username: string; password: string | null } | null> {
    if (this.users.list().length > 0) return null;
    const password = givenPassword ?? newSecret(12);
    this.users.create(
      { id: newUserId(), username: BOOTSTRAP_ADMIN, displayName: BOOTSTRAP_ADMIN, roles: operatorRoles, disabled: false, passwordHash: await hashPassword(password) },
      this.options.now(),
    );
    this.options.logger.info('created the first administrator', { username: BOOTSTRAP_ADMIN, passwordFrom: givenPassword === null ? 'generated' : 'file' });
    return { username: BOOTSTRAP_ADMIN, password: givenPassword === null ? password : null };
  }

  /** A one-time code that signs one browser in as the first enabled administrator (the link printed at start). */
  signInLinkCode(): string | null {
    const admin = this.users.list().find((user) => !user.disabled && user.roles.includes('administrator'));
    if (!admin) return null;
    const code = newSecret(24);
    const now = this.options.now();
    this.credentials.create(
      { kind: 'session', userId: admin.id, crewId: null, label: 'sign-in link', createdBy: 'start-up', expiresAt: null, code: { hash: sha256(code), expiresAt: new Date(now.getTime() + CODE_MS) } },
      now,
    );
    return code;
  }

  /** The caller behind a credential's secret, as stored now (anonymous for none, an unknown, ended or revoked one). */
  principalFor(secret: string | null): Principal {
    if (secret === null) return { kind: 'anonymous' };
    const row = this.credentials.findBySecret(sha256(secret));
    if (!row) return { kind: 'anonymous' };
    const now = this.options.now();
    if (row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now.toISOString())) return { kind: 'anonymous' };
    const principal = this.principalOfRow(row);
    if (principal.kind !== 'anonymous') this.touch(row.id, now);
    return principal;
  }

  async signIn(username: string, password: string, address: string): Promise<SignedIn> {
    const keys = [`user:${username}`, `address:${address}`];
    const wait = this.throttle.waitFor(keys);
    if (wait > 0) {
      this.options.logger.warn('refused a sign-in: too many failed attempts', { username, address, waitS: Math.ceil(wait / 1000) });
      throw new ApiFailure(apiError('unauthorized', `Too many failed sign-ins: try again in ${Math.ceil(wait / 1000)} s.`));
    }
    const user = this.users.findByUsername(username);
    // Checked against a stand-in hash when there is no such user, so the time taken does not tell which names exist.
    const matches = await verifyPassword(password, user?.passwordHash ?? NO_USER_HASH);
    if (!user || !matches || user.disabled) {
      this.throttle.failed(keys);
      this.options.logger.warn('refused a sign-in', { username, address, reason: !user ? 'no such user' : user.disabled ? 'disabled' : 'wrong password' });
      throw new ApiFailure(apiError('unauthorized', 'The user name or password is wrong, or the user is disabled.'));
    }
    this.throttle.succeeded(`user:${username}`);
    const now = this.options.now();
    const secret = newSecret(32);
    const row = this.credentials.create(
      { kind: 'session', userId: user.id, crewId: null, label: address, createdBy: user.username, expiresAt: new Date(now.getTime() + SESSION_MS), secretHash: sha256(secret) },
      now,
    );
    this.users.recordSignIn(user.id, now);
    this.options.logger.info('signed in', { username, credentialId: row.id, address });
    return { secret, principal: this.principalOfRow(row) };
  }

  /** Uses a one-time code (sign-in link or enrolment); the device or browser keeps the secret it returns. */
  redeem(code: string, address: string): SignedIn {
    const keys = [`address:${address}`];
    const wait = this.throttle.waitFor(keys);
    if (wait > 0) throw new ApiFailure(apiError('unauthorized', `Too many unusable codes: try again in ${Math.ceil(wait / 1000)} s.`));
    const now = this.options.now();
    const secret = newSecret(32);
    const row = this.credentials.redeem(sha256(code), sha256(secret), now, (pending) => (pending.kind === 'session' ? new Date(now.getTime() + SESSION_MS) : null));
    const principal = row === null ? null : this.principalOfRow(row);
    if (row === null || principal === null || principal.kind === 'anonymous') {
      this.throttle.failed(keys);
      this.options.logger.warn('refused a one-time code', { address });
      throw new ApiFailure(apiError('unauthorized', 'This link or code has been used, has expired or was revoked: ask an administrator for a new one.'));
    }
    if (principal.kind === 'user') this.users.recordSignIn(principal.userId, now);
    this.options.logger.info('one-time code used', { credentialId: row.id, kind: row.kind, address });
    return { secret, principal };
  }

  signOut(principal: Principal): void {
    if (principal.kind === 'anonymous') return;
    // A device forgets its credential when it signs out: the credential is revoked, as the device cannot use it again.
    this.end(principal.credentialId, principalName(principal));
  }

  lock(principal: UserPrincipal): void {
    this.credentials.setLocked(principal.credentialId, true);
    this.options.logger.info('screen locked', { username: principal.username, credentialId: principal.credentialId });
    this.changed({ credentialId: principal.credentialId, change: 'updated' });
  }

  async unlock(principal: UserPrincipal, password: string): Promise<void> {
    const user = this.requireUser(principal);
    if (!(await verifyPassword(password, user.passwordHash))) {
      this.options.logger.warn('refused an unlock: wrong password', { username: user.username });
      throw new ApiFailure(apiError('unauthorized', 'Wrong password: the screen stays locked.'));
    }
    this.credentials.setLocked(principal.credentialId, false);
    this.options.logger.info('screen unlocked', { username: user.username, credentialId: principal.credentialId });
    this.changed({ credentialId: principal.credentialId, change: 'updated' });
  }

  async changePassword(principal: UserPrincipal, currentPassword: string, newPassword: string): Promise<void> {
    const user = this.requireUser(principal);
    if (!(await verifyPassword(currentPassword, user.passwordHash))) throw new ApiFailure(apiError('unauthorized', 'The current password is wrong.'));
    this.users.setPasswordHash(user.id, await hashPassword(newPassword), this.options.now());
    // The user's other sessions end (a password is changed because it may be known); this one goes on.
    for (const id of this.credentials.revokeUser(user.id, this.options.now(), principal.credentialId)) this.changed({ credentialId: id, change: 'ended' });
    this.options.logger.info('password changed', { username: user.username });
  }

  listUsers(): User[] {
    return this.users.list();
  }

  async saveUser(save: UserSave, by: string): Promise<User[]> {
    const now = this.options.now();
    const clash = this.users.findByUsername(save.username);
    if (clash && clash.id !== save.id) throw new ApiFailure(apiError('conflict', `There is already a user "${save.username}".`));
    const existing = save.id === null ? null : this.users.get(save.id);
    if (save.id !== null && !existing) throw new ApiFailure(apiError('not-found', `There is no user ${save.id}.`));
    const stillAdmins = this.users
      .list()
      .filter((user) => user.id !== save.id && !user.disabled && user.roles.includes('administrator'));
    if (stillAdmins.length === 0 && (save.disabled || !save.roles.includes('administrator'))) {
      throw new ApiFailure(apiError('conflict', 'At least one enabled administrator must remain.'));
    }
    const hash = save.password === undefined ? null : await hashPassword(save.password);
    if (existing) {
      this.users.update(existing.id, save, now);
      if (hash !== null) this.users.setPasswordHash(existing.id, hash, now);
      // Disabled, or given a new password by an administrator: their sessions end now.
      if (save.disabled || hash !== null) for (const id of this.credentials.revokeUser(existing.id, now, null)) this.changed({ credentialId: id, change: 'ended' });
    } else {
      this.users.create({ id: newUserId(), username: save.username, displayName: save.displayName, roles: save.roles, disabled: save.disabled, passwordHash: hash as string }, now);
    }
    this.options.logger.info('user saved', { username: save.username, roles: save.roles, disabled: save.disabled, passwordChanged: hash !== null, by });
    return this.users.list();
  }

  listCredentials(): CredentialSummary[] {
    const names = new Map(this.users.list().map((user) => [user.id, user.username]));
    return this.credentials.list(this.options.now()).map((row) => summaryOf(row, row.user_id === null ? null : (names.get(row.user_id) ?? '?')));
  }

  issue(request: DeviceCredentialRequest, by: string): IssuedCredential {
    const now = this.options.now();
    const code = newSecret(24);
    const codeExpiresAt = new Date(now.getTime() + CODE_MS);
    const row = this.credentials.create(
      {
        kind: request.kind,
        userId: null,
        crewId: request.kind === 'crew' ? request.crewId : null,
        label: request.kind === 'crew' ? request.crewId : request.label,
        createdBy: by,
        expiresAt: null,
        code: { hash: sha256(code), expiresAt: codeExpiresAt },
      },
      now,
    );
    this.options.logger.info('device credential issued', { credentialId: row.id, kind: row.kind, label: row.label, by });
    return { credential: summaryOf(row, null), enrolmentCode: code, codeExpiresAt: codeExpiresAt.toISOString() };
  }

  revoke(credentialId: string, by: string): CredentialSummary[] {
    if (!this.credentials.get(credentialId)) throw new ApiFailure(apiError('not-found', `There is no credential ${credentialId}.`));
    this.end(credentialId, by);
    return this.listCredentials();
  }

  /** Called with each credential whose connections must re-read it or close. */
  onChange(listener: (change: CredentialChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private end(credentialId: string, by: string): void {
    if (this.credentials.revoke(credentialId, this.options.now())) this.options.logger.info('credential ended', { credentialId, by });
    this.touched.delete(credentialId);
    this.changed({ credentialId, change: 'ended' });
  }

  private changed(change: CredentialChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private principalOfRow(row: CredentialRow): Principal {
    switch (row.kind) {
      case 'session': {
        const user = row.user_id === null ? null : this.users.get(row.user_id);
        if (!user || user.disabled) return { kind: 'anonymous' };
        return {
          kind: 'user',
          userId: user.id,
          username: user.username,
          displayName: user.displayName,
          roles: user.roles,
          credentialId: row.id,
          locked: row.locked === 1,
          expiresAt: row.expires_at ?? '',
        };
      }
      case 'crew':
        return { kind: 'crew', crewId: row.crew_id as string, credentialId: row.id, label: row.label };
      case 'screen':
        return { kind: 'screen', credentialId: row.id, label: row.label };
    }
  }

  private requireUser(principal: UserPrincipal): StoredUser {
    const user = this.users.get(principal.userId);
    if (!user || user.disabled) throw new ApiFailure(apiError('unauthorized', 'This user no longer exists or is disabled.'));
    return user;
  }

  private touch(id: string, now: Date): void {
    const last = this.touched.get(id) ?? 0;
    if (now.getTime() - last < TOUCH_EVERY_MS) return;
    this.touched.set(id, now.getTime());
    this.credentials.touch(id, now);
  }
}

/** A credential as the settings screen lists it, without its secret: `username` is the session's user's name. */
function summaryOf(row: CredentialRow, username: string | null): CredentialSummary {
  return {
    id: row.id,
    kind: row.kind,
    subject: row.kind === 'session' ? (username ?? '?') : row.label,
    crewId: row.crew_id,
    createdAt: row.created_at,
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    pending: row.secret_hash === null,
  };
}
