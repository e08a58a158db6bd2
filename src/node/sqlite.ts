import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile, tightenFile } from './private-files.js';
import { StartupError, errorCode, errorMessage } from './startup-error.js';
import type { Logger } from './logger.js';

export type SqliteDatabase = Database.Database;

/** One numbered schema step. Versions start at 1 and follow each other without gaps. */
export interface Migration {
  version: number;
  name: string;
  up(db: SqliteDatabase): void;
}

export interface OpenDatabaseOptions {
  file: string;
  migrations: readonly Migration[];
  logger: Logger;
  /** Statements slower than this are logged with their SQL. */
  slowQueryMs?: number;
}

/**
 * Opens (or creates) a database, checks it and brings its schema up to date. WAL with `synchronous = FULL` so that a
 * committed transaction survives a crash or power cut; a damaged or newer-version file stops the start with an
 * instruction and is never modified or deleted. The file and its -wal and -shm (which SQLite creates with the database's
 * mode) are 0600.
 */
export function openDatabase(options: OpenDatabaseOptions): SqliteDatabase {
  const { migrations, logger } = options;
  assertMigrationOrder(migrations);
  const db = openSqliteFile({ file: options.file, latestVersion: migrations.at(-1)?.version ?? 0 });
  try {
    migrate(db, migrations, logger);
  } catch (error) {
    db.close();
    throw error;
  }

  const slowQueryMs = options.slowQueryMs ?? 50;
  if (slowQueryMs > 0) instrumentSlowQueries(db, slowQueryMs, logger);
  return db;
}

/**
 * The checks and settings of openDatabase without its migrations, for a store that runs its own (the backend's, on
 * Kysely): private file modes, a quick check, refusal of a file whose `user_version` is above `latestVersion`, WAL.
 */
export function openSqliteFile(options: { file: string; latestVersion: number }): SqliteDatabase {
  const { file } = options;
  try {
    // An in-memory database (tests) has no file and no folder: tightening `.` would chmod whatever folder it runs in.
    if (file !== ':memory:') {
      ensurePrivateDir(dirname(file));
      ensurePrivateFile(file);
      for (const companion of ['-wal', '-shm', '-journal']) tightenFile(`${file}${companion}`);
    }
  } catch (error) {
    throw new StartupError(
      `Cannot create the data folder ${dirname(file)} (${errorCode(error) ?? errorMessage(error)}): choose a writable folder with --data-dir or ZHILI_DATA_DIR.`,
      { cause: error },
    );
  }

  let db: SqliteDatabase;
  try {
    db = new Database(file, { timeout: 5000 });
  } catch (error) {
    throw new StartupError(
      `Cannot open the database ${file} (${errorCode(error) ?? errorMessage(error)}): check that the data folder is writable, or choose another with --data-dir.`,
      { cause: error },
    );
  }

  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(String(check));
  } catch (error) {
    db.close();
    throw new StartupError(
      `The database ${file} is damaged (${errorMessage(error)}): Zhili left it untouched; move it aside to start with a fresh one, or restore it from a backup.`,
      { cause: error },
    );
  }
  // Checked before the first write (switching to WAL rewrites the header): a newer file must stay byte for byte.
  try {
    assertNotNewer(db, options.latestVersion);
  } catch (error) {
    db.close();
    throw error;
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
  } catch (error) {
    db.close();
    throw new StartupError(`The database ${file} cannot be switched to write-ahead logging (${errorMessage(error)}): check the folder's permissions and free space.`, {
      cause: error,
    });
  }
  return db;
}

export function schemaVersion(db: SqliteDatabase): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/** Applies every migration above the file's `user_version`, each in its own transaction with its version bump. */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[], logger: Logger, upTo?: number): void {
  assertMigrationOrder(migrations);
  const current = assertNotNewer(db, migrations.at(-1)?.version ?? 0);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    if (upTo !== undefined && migration.version > upTo) break;
    db.transaction(() => {
      migration.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
      db.pragma(`user_version = ${migration.version}`);
    })();
    logger.info('migration applied', { version: migration.version, name: migration.name, file: db.name });
  }
}

function assertNotNewer(db: SqliteDatabase, latest: number): number {
  const current = schemaVersion(db);
  if (current > latest) {
    throw new StartupError(
      `The database ${db.name} has schema version ${current}, newer than this Zhili knows (${latest}): update Zhili, or point --data-dir at another folder.`,
    );
  }
  return current;
}

function assertMigrationOrder(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migration ${migration.name} has version ${migration.version}; expected ${index + 1}.`);
    }
  });
}

/** Wraps `prepare` so every statement's run/get/all is timed; only the slow ones are logged. */
function instrumentSlowQueries(db: SqliteDatabase, thresholdMs: number, logger: Logger): void {
  const prepare = db.prepare.bind(db);
  const timedMethods = ['run', 'get', 'all'] as const;
  db.prepare = ((source: string) => {
    const statement = prepare(source);
    for (const method of timedMethods) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        const started = performance.now();
        try {
          return original(...args);
        } finally {
          const elapsed = performance.now() - started;
          if (elapsed > thresholdMs) logger.warn('slow query', { sql: source, ms: Math.round(elapsed) });
        }
      };
    }
    return statement;
  }) as SqliteDatabase['prepare'];
}
