import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { StoreEngine } from './backend-store.js';

/**
 * One numbered schema step, written once for both engines with Kysely's schema builder; where the engines' SQL
 * differs (triggers, reading JSON) the step says so. It sees the database without today's table types, since it runs
 * against the schema as it was at its version.
 */
export interface StoreMigration {
  version: number;
  name: string;
  up(db: Kysely<unknown>, engine: StoreEngine): Promise<void>;
}

/**
 * The backend's database. Append only; each version has its test in backend-migrations.test.ts, run on both engines.
 * Versions 1 to 5 create on SQLite the same tables the earlier better-sqlite3 runner did, and a file it migrated is
 * recorded in the same schema_migrations table, so such a file is taken as it is (see migrateStore).
 */
export const backendMigrations: readonly StoreMigration[] = [
  {
    version: 1,
    name: 'incidents',
    async up(db) {
      await db.schema
        .createTable('incidents')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('state', 'text', (column) => column.notNull())
        .addColumn('reported_at', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .addColumn('body_json', 'text', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('incidents_open').on('incidents').column('state').where(sql<boolean>`state <> 'closed'`).execute();
    },
  },
  {
    version: 2,
    name: 'sync log and conflicts',
    async up(db, engine) {
      await db.schema
        .createTable('sync_log')
        // SQLite's AUTOINCREMENT is kept for the files made before Kysely; every push now gives seq itself.
        .addColumn('seq', engine === 'sqlite' ? 'integer' : 'bigint', (column) => (engine === 'sqlite' ? column.primaryKey().autoIncrement() : column.primaryKey()))
        .addColumn('key', 'text', (column) => column.notNull().unique())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('origin_console', 'text', (column) => column.notNull())
        .addColumn('body_json', 'text', (column) => column.notNull())
        .addColumn('received_at', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createTable('sync_conflicts')
        .addColumn('id', engine === 'sqlite' ? 'integer' : 'bigint', (column) =>
          engine === 'sqlite' ? column.primaryKey().autoIncrement() : column.primaryKey().generatedByDefaultAsIdentity(),
        )
        .addColumn('key', 'text', (column) => column.notNull())
        .addColumn('kept_from', 'text', (column) => column.notNull())
        .addColumn('refused_from', 'text', (column) => column.notNull())
        .addColumn('refused_body_json', 'text', (column) => column.notNull())
        .addColumn('at', 'text', (column) => column.notNull())
        .execute();
      // Triggers are each engine's own dialect; both refuse any change to a logged row with the same words.
      if (engine === 'sqlite') {
        await sql`CREATE TRIGGER sync_log_no_update BEFORE UPDATE ON sync_log BEGIN SELECT RAISE(ABORT, 'the sync log is append-only'); END`.execute(db);
        await sql`CREATE TRIGGER sync_log_no_delete BEFORE DELETE ON sync_log BEGIN SELECT RAISE(ABORT, 'the sync log is append-only'); END`.execute(db);
      } else {
        await sql`CREATE FUNCTION sync_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the sync log is append-only'; END $$`.execute(db);
        await sql`CREATE TRIGGER sync_log_no_change BEFORE UPDATE OR DELETE ON sync_log FOR EACH ROW EXECUTE FUNCTION sync_log_append_only()`.execute(db);
        await sql`CREATE TRIGGER sync_log_no_truncate BEFORE TRUNCATE ON sync_log FOR EACH STATEMENT EXECUTE FUNCTION sync_log_append_only()`.execute(db);
      }
    },
  },
  {
    version: 3,
    name: 'who drives each synced run',
    async up(db, engine) {
      // The backend checks every run event against its run before storing it: the run exists, the pushing console
      // drives it, the event is the next one and the run has not finished. Filled from the log already kept.
      await db.schema
        .createTable('sync_runs')
        .addColumn('run_id', 'text', (column) => column.primaryKey())
        .addColumn('owner_console', 'text', (column) => column.notNull())
        .addColumn('last_event_seq', 'integer', (column) => column.notNull())
        .addColumn('finished', 'integer', (column) => column.notNull().check(sql`finished IN (0, 1)`))
        .execute();
      const field = (...path: string[]) => jsonField(engine, sql.ref('body_json'), path);
      const eventsOfRun = sql`kind = 'run-event' AND ${field('body', 'runId')} = sync_runs.run_id`;
      await sql`INSERT INTO sync_runs (run_id, owner_console, last_event_seq, finished)
        SELECT ${field('body', 'runId')}, origin_console, 0, 0 FROM sync_log WHERE kind = 'run' ORDER BY seq
        ON CONFLICT (run_id) DO NOTHING`.execute(db);
      await sql`UPDATE sync_runs SET
        last_event_seq = (SELECT COALESCE(MAX(CAST(${field('body', 'seq')} AS integer)), 0) FROM sync_log WHERE ${eventsOfRun}),
        finished = CASE WHEN EXISTS (SELECT 1 FROM sync_log WHERE ${eventsOfRun} AND ${field('body', 'event', 'type')} = 'run-finished') THEN 1 ELSE 0 END`.execute(db);
    },
  },
  {
    version: 4,
    name: 'console credentials',
    async up(db, engine) {
      // One row per credential a console was enrolled with: only the SHA-256 of its secret is kept. The console id is
      // bound on the credential's first use (see src/backend/consoles). Revoked rows stay, so the log of who was
      // enrolled survives; a name, and a bound console id, belong to at most one credential in force.
      await db.schema
        .createTable('console_credentials')
        .addColumn('credential_id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('secret_sha256', bytes(engine), (column) => column.notNull().check(sql`length(secret_sha256) = 32`))
        .addColumn('console_id', 'text')
        .addColumn('enrolled_at', 'text', (column) => column.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('console_credentials_name_in_force').unique().on('console_credentials').column('name').where(sql<boolean>`revoked_at IS NULL`).execute();
      await db.schema
        .createIndex('console_credentials_console_in_force')
        .unique()
        .on('console_credentials')
        .column('console_id')
        .where(sql<boolean>`revoked_at IS NULL AND console_id IS NOT NULL`)
        .execute();
    },
  },
  {
    version: 5,
    name: 'ingestion source credentials',
    async up(db, engine) {
      // One row per credential a device platform or system (an ingestion source) was given: only the SHA-256 of its
      // secret is kept. As for consoles, revoked rows stay, and a name has at most one credential in force.
      await db.schema
        .createTable('ingest_source_credentials')
        .addColumn('credential_id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('secret_sha256', bytes(engine), (column) => column.notNull().check(sql`length(secret_sha256) = 32`))
        .addColumn('added_at', 'text', (column) => column.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createIndex('ingest_source_credentials_name_in_force')
        .unique()
        .on('ingest_source_credentials')
        .column('name')
        .where(sql<boolean>`revoked_at IS NULL`)
        .execute();
    },
  },
  {
    version: 6,
    name: 'ingestion source scopes',
    async up(db) {
      // What each source may speak for (systems and devices, as JSON; see SourceScopeSchema). NULL: anything, as every
      // source added before this version could.
      await db.schema.alterTable('ingest_source_credentials').addColumn('scope_json', 'text').execute();
    },
  },
];

function bytes(engine: StoreEngine): 'blob' | 'bytea' {
  return engine === 'sqlite' ? 'blob' : 'bytea';
}

/** A field of a JSON text column, as text: json_extract on SQLite, the #>> path operator on PostgreSQL. */
function jsonField(engine: StoreEngine, column: RawBuilder<unknown> | ReturnType<typeof sql.ref>, path: readonly string[]): RawBuilder<unknown> {
  if (engine === 'sqlite') return sql`json_extract(${column}, ${sql.lit(`$.${path.join('.')}`)})`;
  return sql`(${column}::jsonb #>> ${sql.lit(`{${path.join(',')}}`)})`;
}
