import { isUniqueViolation, revokeInForce, type BackendStore } from '../db/backend-store.js';
import { credentialNameSchema, generateCredential, secretHash, secretMatches, splitCredential } from '../credentials/index.js';
import { SourceScopeSchema, type SourceScope } from '../../shared/ingest/index.js';
import { SIMULATOR_ORIGIN } from './ingestion.js';

/** A device platform or system allowed to send: its name (the MQTT username) and when it was added or revoked. */
export interface IngestSource {
  name: string;
  credentialId: string;
  addedAt: string;
  revokedAt: string | null;
  /** What it may speak for; null: any system and device. */
  scope: SourceScope | null;
}

export type SourceAuthentication =
  | { ok: true; name: string; scope: SourceScope | null }
  | { ok: false; detail: 'no-credential' | 'malformed' | 'unknown-or-revoked' | 'wrong-secret' | 'another-source' };

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
  constructor(private readonly store: BackendStore) {}

  /** A new credential in force under `name`, returned once; only its hash is kept. */
  async add(name: string, scope: SourceScope | null = null, now = new Date()): Promise<{ source: IngestSource; credential: string }> {
    const parsedName = SourceNameSchema.parse(name);
    const parsedScope = scope === null ? null : SourceScopeSchema.parse(scope);
    const credential = generateCredential();
    const { credentialId, secret } = splitCredential(credential) as { credentialId: string; secret: string };
    try {
      await this.store.db
        .insertInto('ingest_source_credentials')
        .values({
          credential_id: credentialId,
          name: parsedName,
          secret_sha256: secretHash(secret),
          added_at: now.toISOString(),
          revoked_at: null,
          scope_json: parsedScope === null ? null : JSON.stringify(parsedScope),
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error, 'ingest_source_credentials', 'name', 'ingest_source_credentials_name_in_force')) throw new SourceNameTaken(parsedName);
      throw error;
    }
    return { source: { name: parsedName, credentialId, addedAt: now.toISOString(), revokedAt: null, scope: parsedScope }, credential };
  }

  /** Revokes the credential in force under `name`; false when there is none. */
  revoke(name: string, now = new Date()): Promise<boolean> {
    return revokeInForce(this.store, 'ingest_source_credentials', name, now);
  }

  /** Every credential given, in force or revoked, oldest first (by the millisecond; those added within one come by id). */
  async list(): Promise<IngestSource[]> {
    const rows = await this.store.db.selectFrom('ingest_source_credentials').selectAll().orderBy('added_at').orderBy('credential_id').execute();
    return rows.map((row) => ({ name: row.name, credentialId: row.credential_id, addedAt: row.added_at, revokedAt: row.revoked_at, scope: scopeOf(row.scope_json) }));
  }

  /** Which source a credential in force belongs to; with `claimedName` (the MQTT username) it must be that one's. */
  async authenticate(credential: string | undefined, claimedName?: string): Promise<SourceAuthentication> {
    if (credential === undefined || credential === '') return { ok: false, detail: 'no-credential' };
    const parts = splitCredential(credential);
    if (!parts) return { ok: false, detail: 'malformed' };
    const row = await this.store.db
      .selectFrom('ingest_source_credentials')
      .selectAll()
      .where('credential_id', '=', parts.credentialId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return { ok: false, detail: 'unknown-or-revoked' };
    if (!secretMatches(parts.secret, row.secret_sha256)) return { ok: false, detail: 'wrong-secret' };
    if (claimedName !== undefined && claimedName !== row.name) return { ok: false, detail: 'another-source' };
    return { ok: true, name: row.name, scope: scopeOf(row.scope_json) };
  }
}

/** A kept scope; one that no longer parses (a row edited by hand) lets the source speak for nothing rather than all. */
function scopeOf(json: string | null): SourceScope | null {
  if (json === null) return null;
  try {
    return SourceScopeSchema.parse(JSON.parse(json));
  } catch {
    return { systems: [], devices: [] };
  }
}
