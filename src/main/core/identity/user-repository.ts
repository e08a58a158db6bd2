import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { OperatorRoleSchema, type OperatorRole } from '../../../shared/identity/operator-roles.js';
import type { User } from '../../../shared/identity/accounts.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  roles_json: string;
  disabled: number;
  created_at: string;
  last_sign_in_at: string | null;
}

const RolesJson = z.array(z.string()).transform((roles) => roles.flatMap((role) => (OperatorRoleSchema.safeParse(role).success ? [role as OperatorRole] : [])));

export interface StoredUser extends User {
  passwordHash: string;
}

export function newUserId(): string {
  return `US${randomBytes(6).toString('hex')}`;
}

/** The users aggregate: who may sign in, with which roles. A role this version does not know is dropped on read. */
export class UserRepository {
  private readonly byId;
  private readonly byName;
  private readonly all;
  private readonly insert;
  private readonly change;
  private readonly setHash;
  private readonly signedIn;

  constructor(db: SqliteDatabase) {
    const columns = 'id, username, display_name, password_hash, roles_json, disabled, created_at, last_sign_in_at';
    this.byId = db.prepare<[string], UserRow>(`SELECT ${columns} FROM users WHERE id = ?`);
    this.byName = db.prepare<[string], UserRow>(`SELECT ${columns} FROM users WHERE username = ?`);
    this.all = db.prepare<[], UserRow>(`SELECT ${columns} FROM users ORDER BY username`);
    this.insert = db.prepare<[string, string, string, string, string, number, string, string]>(
      'INSERT INTO users (id, username, display_name, password_hash, roles_json, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.change = db.prepare<[string, string, string, number, string, string]>(
      'UPDATE users SET username = ?, display_name = ?, roles_json = ?, disabled = ?, updated_at = ? WHERE id = ?',
    );
    this.setHash = db.prepare<[string, string, string]>('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?');
    this.signedIn = db.prepare<[string, string]>('UPDATE users SET last_sign_in_at = ? WHERE id = ?');
  }

  get(id: string): StoredUser | null {
    const row = this.byId.get(id);
    return row ? toUser(row) : null;
  }

  findByUsername(username: string): StoredUser | null {
    const row = this.byName.get(username);
    return row ? toUser(row) : null;
  }

  list(): User[] {
    return this.all.all().map((row) => withoutHash(toUser(row)));
  }

  create(user: { id: string; username: string; displayName: string; roles: readonly OperatorRole[]; disabled: boolean; passwordHash: string }, now: Date): void {
    this.insert.run(user.id, user.username, user.displayName, user.passwordHash, JSON.stringify(user.roles), user.disabled ? 1 : 0, now.toISOString(), now.toISOString());
  }

  update(id: string, user: { username: string; displayName: string; roles: readonly OperatorRole[]; disabled: boolean }, now: Date): void {
    this.change.run(user.username, user.displayName, JSON.stringify(user.roles), user.disabled ? 1 : 0, now.toISOString(), id);
  }

  setPasswordHash(id: string, passwordHash: string, now: Date): void {
    this.setHash.run(passwordHash, now.toISOString(), id);
  }

  recordSignIn(id: string, now: Date): void {
    this.signedIn.run(now.toISOString(), id);
  }
}

function withoutHash(user: StoredUser): User {
  const { passwordHash: _hash, ...rest } = user;
  return rest;
}

function toUser(row: UserRow): StoredUser {
  let roles: OperatorRole[] = [];
  try {
    const parsed = RolesJson.safeParse(JSON.parse(row.roles_json));
    if (parsed.success) roles = parsed.data;
  } catch {
    // An unreadable role list grants nothing.
  }
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    roles,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
  };
}
