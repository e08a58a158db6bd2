import Database from 'better-sqlite3';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/helpers/test-logger.js';
import { openDatabase, schemaVersion, type Migration } from './sqlite.js';
import { StartupError } from './startup-error.js';

const migrations: Migration[] = [
  { version: 1, name: 'one', up: (db) => db.exec('CREATE TABLE a (x INTEGER)') },
  { version: 2, name: 'two', up: (db) => db.exec('ALTER TABLE a ADD COLUMN y TEXT') },
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zhili-sqlite-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openDatabase', () => {
  it('keeps the database, its -wal and -shm 0600 in a 0700 folder whatever the umask, and tightens older files', () => {
    const file = join(dir, 'private', 'db.sqlite');
    const modes = () => ['', '-wal', '-shm'].map((suffix) => statSync(`${file}${suffix}`).mode & 0o777);
    const previous = process.umask(0o000);
    try {
      const db = openDatabase({ file, migrations, logger: recordingLogger() });
      db.prepare('INSERT INTO a (x) VALUES (1)').run();
      expect(modes()).toEqual([0o600, 0o600, 0o600]);
      expect(statSync(join(dir, 'private')).mode & 0o777).toBe(0o700);
      db.close();
      chmodSync(file, 0o644);
      const again = openDatabase({ file, migrations, logger: recordingLogger() });
      again.prepare('INSERT INTO a (x) VALUES (2)').run();
      expect(modes()).toEqual([0o600, 0o600, 0o600]);
      again.close();
    } finally {
      process.umask(previous);
    }
  });

  it('creates the file in WAL mode with full sync and applies every migration once', () => {
    const file = join(dir, 'nested', 'db.sqlite');
    const db = openDatabase({ file, migrations, logger: recordingLogger() });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(schemaVersion(db)).toBe(2);
    db.close();
    const again = openDatabase({ file, migrations, logger: recordingLogger() });
    expect(again.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: 2 });
    again.close();
  });

  it('rolls a failing migration back whole and leaves the schema version where it was', () => {
    const file = join(dir, 'db.sqlite');
    openDatabase({ file, migrations: migrations.slice(0, 1), logger: recordingLogger() }).close();
    const broken: Migration[] = [
      migrations[0] as Migration,
      { version: 2, name: 'half', up: (db) => db.exec('CREATE TABLE b (x); CREATE TABLE b (x);') },
    ];
    expect(() => openDatabase({ file, migrations: broken, logger: recordingLogger() })).toThrow();
    const db = new Database(file);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    db.close();
  });

  it('refuses a database written by a newer version, without changing it', () => {
    const file = join(dir, 'db.sqlite');
    const db = new Database(file);
    db.pragma('user_version = 9');
    db.close();
    const before = readFileSync(file);
    expect(() => openDatabase({ file, migrations, logger: recordingLogger() })).toThrow(/schema version 9, newer than this Zhili knows \(2\)/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a damaged file with an instruction and never modifies it', () => {
    const file = join(dir, 'db.sqlite');
    writeFileSync(file, 'this is not a database, but it is the operator\'s file'.repeat(100));
    const before = readFileSync(file);
    let error: unknown;
    try {
      openDatabase({ file, migrations, logger: recordingLogger() });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(/is damaged .*move it aside/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('rejects migration lists with gaps', () => {
    const gap: Migration[] = [{ version: 2, name: 'x', up: () => undefined }];
    expect(() => openDatabase({ file: join(dir, 'db.sqlite'), migrations: gap, logger: recordingLogger() })).toThrow(/expected 1/);
  });

  it('logs slow statements with their SQL', () => {
    const logger = recordingLogger();
    const db = openDatabase({ file: join(dir, 'db.sqlite'), migrations, logger, slowQueryMs: 0.0001 });
    db.prepare('SELECT 1').get();
    expect(logger.records.some((record) => record.message === 'slow query' && record.fields?.sql === 'SELECT 1')).toBe(true);
    db.close();
  });
});
