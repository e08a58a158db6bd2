import type { Migration } from '../../node/sqlite.js';

/** The backend's database. Append only; each version has its test in backend-migrations.test.ts. */
export const backendMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'incidents',
    up(db) {
      db.exec(`
        CREATE TABLE incidents (
          id TEXT PRIMARY KEY,
          state TEXT NOT NULL,
          reported_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          body_json TEXT NOT NULL
        );
        CREATE INDEX incidents_open ON incidents (state) WHERE state <> 'closed';
      `);
    },
  },
  {
    version: 2,
    name: 'sync log and conflicts',
    up(db) {
      db.exec(`
        CREATE TABLE sync_log (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          key TEXT NOT NULL UNIQUE,
          kind TEXT NOT NULL,
          origin_console TEXT NOT NULL,
          body_json TEXT NOT NULL,
          received_at TEXT NOT NULL
        );
        CREATE TABLE sync_conflicts (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          key TEXT NOT NULL,
          kept_from TEXT NOT NULL,
          refused_from TEXT NOT NULL,
          refused_body_json TEXT NOT NULL,
          at TEXT NOT NULL
        );
        CREATE TRIGGER sync_log_no_update BEFORE UPDATE ON sync_log
          BEGIN SELECT RAISE(ABORT, 'the sync log is append-only'); END;
        CREATE TRIGGER sync_log_no_delete BEFORE DELETE ON sync_log
          BEGIN SELECT RAISE(ABORT, 'the sync log is append-only'); END;
      `);
    },
  },
  {
    version: 3,
    name: 'who drives each synced run',
    up(db) {
      // The backend checks every run event against its run before storing it: the run exists, the pushing console
      // drives it, the event is the next one and the run has not finished. Filled from the log already kept.
      db.exec(`
        CREATE TABLE sync_runs (
          run_id TEXT PRIMARY KEY,
          owner_console TEXT NOT NULL,
          last_event_seq INTEGER NOT NULL,
          finished INTEGER NOT NULL CHECK (finished IN (0, 1))
        );
        INSERT OR IGNORE INTO sync_runs (run_id, owner_console, last_event_seq, finished)
          SELECT json_extract(body_json, '$.body.runId'), origin_console, 0, 0 FROM sync_log WHERE kind = 'run' ORDER BY seq;
        UPDATE sync_runs SET
          last_event_seq = (SELECT COALESCE(MAX(json_extract(body_json, '$.body.seq')), 0) FROM sync_log
                            WHERE kind = 'run-event' AND json_extract(body_json, '$.body.runId') = sync_runs.run_id),
          finished = EXISTS (SELECT 1 FROM sync_log WHERE kind = 'run-event' AND json_extract(body_json, '$.body.runId') = sync_runs.run_id
                             AND json_extract(body_json, '$.body.event.type') = 'run-finished');
      `);
    },
  },
  {
    version: 4,
    name: 'console credentials',
    up(db) {
      // One row per credential a console was enrolled with: only the SHA-256 of its secret is kept. The console id is
      // bound on the credential's first use (see src/backend/consoles). Revoked rows stay, so the log of who was
      // enrolled survives; a name, and a bound console id, belong to at most one credential in force.
      db.exec(`
        CREATE TABLE console_credentials (
          credential_id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          secret_sha256 BLOB NOT NULL CHECK (length(secret_sha256) = 32),
          console_id TEXT,
          enrolled_at TEXT NOT NULL,
          revoked_at TEXT
        );
        CREATE UNIQUE INDEX console_credentials_name_in_force ON console_credentials (name) WHERE revoked_at IS NULL;
        CREATE UNIQUE INDEX console_credentials_console_in_force ON console_credentials (console_id)
          WHERE revoked_at IS NULL AND console_id IS NOT NULL;
      `);
    },
  },
  {
    version: 5,
    name: 'ingestion source credentials',
    up(db) {
      // One row per credential a device platform or system (an ingestion source) was given: only the SHA-256 of its
      // secret is kept. As for consoles, revoked rows stay, and a name has at most one credential in force.
      db.exec(`
        CREATE TABLE ingest_source_credentials (
          credential_id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          secret_sha256 BLOB NOT NULL CHECK (length(secret_sha256) = 32),
          added_at TEXT NOT NULL,
          revoked_at TEXT
        );
        CREATE UNIQUE INDEX ingest_source_credentials_name_in_force ON ingest_source_credentials (name) WHERE revoked_at IS NULL;
      `);
    },
  },
];
