import { randomBytes } from 'node:crypto';
import type { CredentialKind } from '../../../shared/identity/accounts.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';

export interface CredentialRow {
  id: string;
  kind: CredentialKind;
  secret_hash: string | null;
  code_hash: string | null;
  code_expires_at: string | null;
  user_id: string | null;
  crew_id: string | null;
  label: string;
  created_at: string;
  created_by: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  locked: number;
}

export interface NewCredential {
  kind: CredentialKind;
  userId: string | null;
  crewId: string | null;
  label: string;
  createdBy: string;
  /** A session's end (null: a device credential, valid until revoked). */
  expiresAt: Date | null;
  /** One of the two: active now with this secret, or pending until this one-time code is used. */
  secretHash?: string;
  code?: { hash: string; expiresAt: Date };
}

function newCredentialId(): string {
  return `CD${randomBytes(6).toString('hex')}`;
}

/**
 * The credentials aggregate: sign-in sessions, crew terminals and wall screens, each stored by the hash of its secret
 * (and, until it is used, of its one-time code). Nothing here can be replayed from a copy of the database.
 */
export class CredentialRepository {
  private readonly insert;
  private readonly bySecret;
  private readonly byId;
  private readonly pendingByCode;
  private readonly activate;
  private readonly touchRow;
  private readonly lockRow;
  private readonly revokeRow;
  private readonly revokeUserRows;
  private readonly listed;
  private readonly pruneRows;

  constructor(private readonly db: SqliteDatabase) {
    this.insert = db.prepare(
      `INSERT INTO credentials (id, kind, secret_hash, code_hash, code_expires_at, user_id, crew_id, label, created_at, created_by, expires_at)
       VALUES (@id, @kind, @secretHash, @codeHash, @codeExpiresAt, @userId, @crewId, @label, @createdAt, @createdBy, @expiresAt)`,
    );
    this.bySecret = db.prepare<[string], CredentialRow>('SELECT * FROM credentials WHERE secret_hash = ?');
    this.byId = db.prepare<[string], CredentialRow>('SELECT * FROM credentials WHERE id = ?');
    this.pendingByCode = db.prepare<[string], CredentialRow>('SELECT * FROM credentials WHERE code_hash = ? AND secret_hash IS NULL');
    this.activate = db.prepare<[string, string | null, string]>(
      'UPDATE credentials SET secret_hash = ?, code_hash = NULL, code_expires_at = NULL, expires_at = ? WHERE id = ? AND secret_hash IS NULL',
    );
    this.touchRow = db.prepare<[string, string]>('UPDATE credentials SET last_used_at = ? WHERE id = ?');
    this.lockRow = db.prepare<[number, string]>('UPDATE credentials SET locked = ? WHERE id = ?');
    this.revokeRow = db.prepare<[string, string]>('UPDATE credentials SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
    this.revokeUserRows = db.prepare<[string, string, string | null], { id: string }>(
      'UPDATE credentials SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id IS NOT ? RETURNING id',
    );
    this.listed = db.prepare<[string, string], CredentialRow>(
      `SELECT * FROM credentials
       WHERE (revoked_at IS NULL OR revoked_at > ?) AND (expires_at IS NULL OR expires_at > ?)
       ORDER BY created_at DESC`,
    );
    // Pending codes past their time, and sessions ended (by time or revocation) a month ago, go.
    this.pruneRows = db.prepare<[string, string, string]>(
      `DELETE FROM credentials
       WHERE (secret_hash IS NULL AND code_expires_at <= ?) OR (expires_at IS NOT NULL AND expires_at <= ?) OR (revoked_at IS NOT NULL AND revoked_at <= ?)`,
    );
  }

  create(credential: NewCredential, now: Date): CredentialRow {
    const id = newCredentialId();
    this.insert.run({
      id,
      kind: credential.kind,
      secretHash: credential.secretHash ?? null,
      codeHash: credential.code?.hash ?? null,
      codeExpiresAt: credential.code?.expiresAt.toISOString() ?? null,
      userId: credential.userId,
      crewId: credential.crewId,
      label: credential.label,
      createdAt: now.toISOString(),
      createdBy: credential.createdBy,
      expiresAt: credential.expiresAt?.toISOString() ?? null,
    });
    return this.byId.get(id) as CredentialRow;
  }

  get(id: string): CredentialRow | null {
    return this.byId.get(id) ?? null;
  }

  findBySecret(secretHash: string): CredentialRow | null {
    return this.bySecret.get(secretHash) ?? null;
  }

  /** Uses a one-time code: the pending credential becomes active with `secretHash`; null when the code is not usable. */
  redeem(codeHash: string, secretHash: string, now: Date, expiresAt: (row: CredentialRow) => Date | null): CredentialRow | null {
    return this.db.transaction(() => {
      const row = this.pendingByCode.get(codeHash);
      if (!row || row.revoked_at !== null || row.code_expires_at === null || row.code_expires_at <= now.toISOString()) return null;
      const ends = expiresAt(row);
      if (this.activate.run(secretHash, ends?.toISOString() ?? null, row.id).changes !== 1) return null;
      this.touchRow.run(now.toISOString(), row.id);
      return this.byId.get(row.id) ?? null;
    })();
  }

  touch(id: string, now: Date): void {
    this.touchRow.run(now.toISOString(), id);
  }

  setLocked(id: string, locked: boolean): void {
    this.lockRow.run(locked ? 1 : 0, id);
  }

  /** True when it was in force until now. */
  revoke(id: string, now: Date): boolean {
    return this.revokeRow.run(now.toISOString(), id).changes === 1;
  }

  /** Every credential of a user but `keep` (disabled, or their password changed): the ids revoked. */
  revokeUser(userId: string, now: Date, keep: string | null): string[] {
    return this.revokeUserRows.all(now.toISOString(), userId, keep).map((row) => row.id);
  }

  /** In force now, or revoked within the last day (so the settings screen shows what was just revoked). */
  list(now: Date): CredentialRow[] {
    return this.listed.all(new Date(now.getTime() - 86_400_000).toISOString(), now.toISOString());
  }

  prune(now: Date): number {
    const monthAgo = new Date(now.getTime() - 30 * 86_400_000).toISOString();
    return this.pruneRows.run(now.toISOString(), monthAgo, monthAgo).changes;
  }
}
