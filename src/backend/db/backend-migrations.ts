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
];
