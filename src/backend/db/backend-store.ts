import { Kysely, PostgresDialect, SqliteDialect, sql, type LogEvent } from 'kysely';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from '../../node/logger.js';
import { openSqliteFile } from '../../node/sqlite.js';
import { StartupError, errorCode, errorMessage } from '../../node/startup-error.js';
import { backendMigrations } from './backend-migrations.js';
import type { BackendTables } from './backend-tables.js';

export type StoreEngine = 'sqlite' | 'postgres';

/** Where the backend keeps its store: a SQLite file in its data folder (the default), or a site's PostgreSQL database. */
export type StoreLocation = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string };

/** The store a backend with `dataDir` uses: the PostgreSQL database given with --database-url, else backend.sqlite there. */
export function backendStoreLocation(dataDir: string, databaseUrl: string | null): StoreLocation {
  return databaseUrl === null ? { engine: 'sqlite', file: join(dataDir, 'backend.sqlite') } : { engine: 'postgres', url: databaseUrl };
}

export interface BackendStore {
  readonly db: Kysely<BackendTables>;
  readonly engine: StoreEngine;
  /** The file, or the server and database without the password: for messages and the log. */
  readonly where: string;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  logger: Logger;
  /** Statements slower than this are logged with their SQL (default 50 ms; 0: none). */
  slowQueryMs?: number;
  /** Migrate only this far (the migration tests); default: all. */
  upTo?: number;
}

/** PostgreSQL's type id of bigint (int8): COUNT(*), and the sync log's seq. */
const INT8_OID = 20;
/** Any number that only this backend takes as its migration lock (pg_advisory_xact_lock), so several nodes starting at once migrate one at a time. */
const MIGRATION_LOCK_KEY = 7_420_001;

/**
 * Opens the store and brings its schema up to date, on either engine. Any failure to reach or log in to the database
 * stops the start with a StartupError that says what to do.
 */
export async function openBackendStore(location: StoreLocation, options: OpenStoreOptions): Promise<BackendStore> {
  const { logger } = options;
  const slowQueryMs = options.slowQueryMs ?? 50;
  // One timing of every statement on both engines: Kysely reports each query's duration.
  const log = (event: LogEvent) => {
    if (event.level === 'query' && slowQueryMs > 0 && event.queryDurationMillis > slowQueryMs) {
      logger.warn('slow query', { sql: event.query.sql, ms: Math.round(event.queryDurationMillis) });
    }
  };
  let store: BackendStore;
  if (location.engine === 'sqlite') {
    const file = openSqliteFile({ file: location.file, latestVersion: backendMigrations.length });
    const db = new Kysely<BackendTables>({ dialect: new SqliteDialect({ database: file }), log });
    store = { db, engine: 'sqlite', where: location.file, close: once(() => db.destroy()) };
  } else {
    const where = postgresWhere(location.url);
    const pool = new pg.Pool({
      connectionString: location.url,
      connectionTimeoutMillis: 10_000,
      // bigint comes back as text from pg (it may exceed 2^53); the store's bigints are sequence numbers and counts,
      // far below that, so the repositories get numbers as they do from SQLite.
      types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
    });
    // An idle connection the server drops (a restart, a failover) is replaced on the next query; without a listener
    // its error would end the process.
    pool.on('error', (error) => logger.warn('a PostgreSQL connection was lost; the next query opens another', { where, error: error.message }));
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end();
      throw postgresStartupError(error, where);
    }
    const db = new Kysely<BackendTables>({ dialect: new PostgresDialect({ pool }), log });
    store = { db, engine: 'postgres', where, close: once(() => db.destroy()) };
  }
  try {
    await migrateStore(store, logger, options.upTo);
  } catch (error) {
    await store.close();
    if (error instanceof StartupError || store.engine === 'sqlite') throw error;
    throw postgresStartupError(error, store.where);
  }
  return store;
}

/**
 * Applies every migration above the store's version, each in one transaction with its row in schema_migrations (on
 * SQLite also `user_version`, which openSqliteFile checks before it writes anything). That table is the one the
 * better-sqlite3 runner kept, so a data folder it migrated opens here at its version with nothing re-run.
 */
export async function migrateStore(store: BackendStore, logger: Logger, upTo?: number): Promise<void> {
  const { db, engine } = store;
  const migrations = backendMigrations;
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`Migration ${migration.name} has version ${migration.version}; expected ${index + 1}.`);
  });
  const latest = migrations.at(-1)?.version ?? 0;
  const current = await db.transaction().execute(async (trx) => {
    await lockMigrations(trx, engine);
    await trx.schema
      .createTable('schema_migrations')
      .ifNotExists()
      .addColumn('version', 'integer', (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('applied_at', 'text', (column) => column.notNull())
      .execute();
    return appliedVersion(trx);
  });
  if (current > latest) {
    throw new StartupError(
      `The database ${store.where} has schema version ${current}, newer than this Zhili knows (${latest}): update Zhili, or point it at another database.`,
    );
  }
  for (const migration of migrations) {
    if (upTo !== undefined && migration.version > upTo) break;
    const applied = await db.transaction().execute(async (trx) => {
      await lockMigrations(trx, engine);
      // Another node may have applied it while this one waited for the lock.
      if ((await appliedVersion(trx)) >= migration.version) return false;
      // A migration runs against the schema of its own time, not against today's table types.
      await migration.up(trx as unknown as Kysely<unknown>, engine);
      await trx.insertInto('schema_migrations').values({ version: migration.version, name: migration.name, applied_at: new Date().toISOString() }).execute();
      if (engine === 'sqlite') await sql`PRAGMA user_version = ${sql.raw(String(migration.version))}`.execute(trx);
      return true;
    });
    if (applied) logger.info('migration applied', { version: migration.version, name: migration.name, where: store.where });
  }
}

/** The highest migration recorded in the store (0: none). */
export async function appliedVersion(db: Kysely<BackendTables>): Promise<number> {
  const row = await db.selectFrom('schema_migrations').select((eb) => eb.fn.max('version').as('version')).executeTakeFirst();
  return Number(row?.version ?? 0);
}

async function lockMigrations(trx: Kysely<BackendTables>, engine: StoreEngine): Promise<void> {
  // SQLite: the backend's one connection already runs transactions one at a time.
  if (engine === 'postgres') await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
}

/**
 * Whether `error` is a unique constraint refusing a row, on either engine: SQLite names the table and column in its
 * message, PostgreSQL gives the SQLSTATE and the constraint (the index) by name.
 */
/**
 * Revokes the credential in force under `name` in one of the credential tables (consoles, ingestion sources); false
 * when there is none. The row stays, so the record of who held one survives.
 */
export async function revokeInForce(store: BackendStore, table: 'console_credentials' | 'ingest_source_credentials', name: string, now: Date): Promise<boolean> {
  const result = await store.db.updateTable(table).set({ revoked_at: now.toISOString() }).where('name', '=', name).where('revoked_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function isUniqueViolation(error: unknown, table: string, column: string, index: string): boolean {
  if (!(error instanceof Error)) return false;
  if (errorCode(error) === '23505') return (error as { constraint?: string }).constraint === index;
  return /UNIQUE constraint failed/.test(error.message) && error.message.includes(`${table}.${column}`);
}

/** A close that may be called again (a failed start and its caller's clean-up both close): the pool ends once. */
function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => (closing ??= close());
}

function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`The bigint ${text} is beyond what the backend reads as a number.`);
  return value;
}

/** The server, port and database of a PostgreSQL URL, never its password. */
export function postgresWhere(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'the PostgreSQL server of --database-url';
  }
}

/** One sentence for the operator from a PostgreSQL failure at start: what went wrong and what to change. */
function postgresStartupError(error: unknown, where: string): StartupError {
  const code = errorCode(error);
  const message = errorMessage(error);
  const say = (text: string) => new StartupError(text, { cause: error });
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT' || code === 'EAI_AGAIN' || /timeout/i.test(message)) {
    return say(`Cannot reach PostgreSQL at ${where} (${code ?? message}): start it, or correct the host and port in --database-url (or ZHILI_DATABASE_URL).`);
  }
  if (code === '28P01' || code === '28000' || /password/i.test(message)) {
    return say(`PostgreSQL at ${where} refused the login (${message}): check the user in --database-url and its password (--database-url-file, ZHILI_DATABASE_URL or PGPASSWORD).`);
  }
  if (code === '3D000') return say(`PostgreSQL at ${where} has no such database (${message}): create it (createdb), or correct the database in --database-url.`);
  if (code === '42501') {
    return say(`PostgreSQL at ${where} does not let this user create the backend's tables (${message}): grant it CREATE on the database's schema, or use its owner.`);
  }
  return say(`PostgreSQL at ${where} failed while opening the store (${message}): check --database-url and the server's log.`);
}
