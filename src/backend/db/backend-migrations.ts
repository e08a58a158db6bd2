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
];
