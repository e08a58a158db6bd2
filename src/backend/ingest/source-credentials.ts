import type { SqliteDatabase } from '../../node/sqlite.js';
import { credentialNameSchema, generateCredential, secretHash, secretMatches, splitCredential } from '../credentials/index.js';
import { SIMULATOR_ORIGIN } from './ingestion.js';

/** A device platform or system allowed to send: its name (the MQTT username) and when it was added or revoked. */
export interface IngestSource {
  name: string;
  credentialId: string;
  addedAt: string;
  revokedAt: string | null;
}

export type SourceAuthentication =
  | { ok: true; name: string }
  | { ok: false; detail: 'no-credential' | 'malformed' | 'unknown-or-revoked' | 'wrong-secret' | 'another-source' };

interface SourceRow {
  credential_id: string;
  name: string;
  secret_sha256: Buffer;
  added_at: string;
  revoked_at: string | null;
}

export const SourceNameSchema = credentialNameSchema('source').refine((name) => name !== SIMULATOR_ORIGIN.source, {
  message: `"${SIMULATOR_ORIGIN.source}" is the demo simulator's name`,
});

export class SourceNameTaken extends Error {
  constructor(name: string) {
    super(`A source named "${name}" has a credential already: revoke it first (--revoke-source ${name}) or choose another name.`);
    this.name = 'SourceNameTaken';
  }
}

/**
 * The device platforms and systems allowed to send to this backend (over MQTT to its own broker, or over HTTP), each
 * with a credential of its own kept hashed in the backend's database, so adding and revoking one works from another
 * process on the same data folder, and survives restarts. A source presents its whole credential as its secret: the
 * MQTT password (with its name as the username) or the HTTP bearer token.
 */
export class SourceCredentials {
  private readonly byId;

  constructor(private readonly db: SqliteDatabase) {
    this.byId = db.prepare<[string], SourceRow>('SELECT * FROM ingest_source_credentials WHERE credential_id = ? AND revoked_at IS NULL');
  }

  /** A new credential in force under `name`, returned once; only its hash is kept. */
  add(name: string, now = new Date()): { source: IngestSource; credential: string } {
    const parsedName = SourceNameSchema.parse(name);
    const credential = generateCredential();
    const { credentialId, secret } = splitCredential(credential) as { credentialId: string; secret: string };
    try {
      this.db
        .prepare('INSERT INTO ingest_source_credentials (credential_id, name, secret_sha256, added_at, revoked_at) VALUES (?, ?, ?, ?, NULL)')
        .run(credentialId, parsedName, secretHash(secret), now.toISOString());
    } catch (error) {
      if (error instanceof Error && error.message.includes('ingest_source_credentials.name')) throw new SourceNameTaken(parsedName);
      throw error;
    }
    return { source: { name: parsedName, credentialId, addedAt: now.toISOString(), revokedAt: null }, credential };
  }

  /** Revokes the credential in force under `name`; false when there is none. */
  revoke(name: string, now = new Date()): boolean {
    return this.db.prepare('UPDATE ingest_source_credentials SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL').run(now.toISOString(), name).changes > 0;
  }

  /** Every credential given, in force or revoked, oldest first. */
  list(): IngestSource[] {
    return this.db
      .prepare<[], SourceRow>('SELECT * FROM ingest_source_credentials ORDER BY added_at, rowid')
      .all()
      .map((row) => ({ name: row.name, credentialId: row.credential_id, addedAt: row.added_at, revokedAt: row.revoked_at }));
  }

  /** Which source a credential in force belongs to; with `claimedName` (the MQTT username) it must be that one's. */
  authenticate(credential: string | undefined, claimedName?: string): SourceAuthentication {
    if (credential === undefined || credential === '') return { ok: false, detail: 'no-credential' };
    const parts = splitCredential(credential);
    if (!parts) return { ok: false, detail: 'malformed' };
    const row = this.byId.get(parts.credentialId);
    if (!row) return { ok: false, detail: 'unknown-or-revoked' };
    if (!secretMatches(parts.secret, row.secret_sha256)) return { ok: false, detail: 'wrong-secret' };
    if (claimedName !== undefined && claimedName !== row.name) return { ok: false, detail: 'another-source' };
    return { ok: true, name: row.name };
  }
}
