import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/helpers/test-logger.js';
import { migrate, schemaVersion } from '../../../node/sqlite.js';
import { consoleMigrations } from './console-migrations.js';

function columns(db: Database.Database, table: string): string[] {
  return db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().map((row) => row.name);
}

describe('console migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(consoleMigrations.map((migration) => migration.version)).toEqual(consoleMigrations.map((_, index) => index + 1));
  });

  it('1: creates the console identity and settings tables on an empty database', () => {
    const db = new Database(':memory:');
    migrate(db, consoleMigrations, recordingLogger(), 1);
    expect(schemaVersion(db)).toBe(1);
    expect(columns(db, 'console_identity')).toEqual(['singleton', 'console_id', 'created_at']);
    expect(columns(db, 'settings')).toEqual(['key', 'value_json', 'updated_at']);
    // Only one identity row can exist.
    db.prepare("INSERT INTO console_identity VALUES (1, 'a', 'now')").run();
    expect(() => db.prepare("INSERT INTO console_identity VALUES (2, 'b', 'now')").run()).toThrow(/CHECK/);
    db.close();
  });
});
