import type { Generated } from 'kysely';

/**
 * The backend's tables as its repositories read and write them, on SQLite and on PostgreSQL alike. Kept to types both
 * engines return the same way: text (timestamps are ISO 8601 text, so they compare in time order as strings; bodies
 * are JSON text, read back byte for byte), integers (PostgreSQL's bigint is read as a number, see backend-store.ts),
 * 0/1 flags with a CHECK instead of booleans, and bytes (a Buffer from either driver).
 */
export interface BackendTables {
  incidents: IncidentsTable;
  sync_log: SyncLogTable;
  sync_conflicts: SyncConflictsTable;
  sync_runs: SyncRunsTable;
  console_credentials: ConsoleCredentialsTable;
  ingest_source_credentials: IngestSourceCredentialsTable;
  schema_migrations: SchemaMigrationsTable;
}

export interface IncidentsTable {
  id: string;
  state: string;
  reported_at: string;
  updated_at: string;
  body_json: string;
}

export interface SyncLogTable {
  /** Given by the push that logs the row (the next after the highest), never by the engine: see SyncStore.push. */
  seq: number;
  key: string;
  kind: string;
  origin_console: string;
  body_json: string;
  received_at: string;
}

export interface SyncConflictsTable {
  id: Generated<number>;
  key: string;
  kept_from: string;
  refused_from: string;
  refused_body_json: string;
  at: string;
}

export interface SyncRunsTable {
  run_id: string;
  owner_console: string;
  last_event_seq: number;
  finished: 0 | 1;
}

export interface ConsoleCredentialsTable {
  credential_id: string;
  name: string;
  secret_sha256: Buffer;
  console_id: string | null;
  enrolled_at: string;
  revoked_at: string | null;
}

export interface IngestSourceCredentialsTable {
  credential_id: string;
  name: string;
  secret_sha256: Buffer;
  added_at: string;
  revoked_at: string | null;
  /** SourceScopeSchema as JSON; null: the source may speak for any system and device. */
  scope_json: string | null;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}
