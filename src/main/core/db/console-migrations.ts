import type { Migration } from '../../../node/sqlite.js';

/**
 * The console's local database. Append only: a released migration is never edited, a change is a new version with
 * its own test in console-migrations.test.ts.
 */
export const consoleMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'console identity and settings',
    up(db) {
      db.exec(`
        CREATE TABLE console_identity (
          singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
          console_id TEXT NOT NULL,
          created_at TEXT NOT NULL
        );
        CREATE TABLE settings (
          key TEXT PRIMARY KEY,
          value_json TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
      `);
    },
  },
];
