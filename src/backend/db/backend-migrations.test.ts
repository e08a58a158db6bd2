import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { STORE_ENGINES, testStores } from '../../../test/helpers/test-stores.js';
import type { Incident } from '../../shared/domain/feed.js';
import { ConsoleCredentials } from '../consoles/index.js';
import { SourceCredentials } from '../ingest/source-credentials.js';
import { backendMigrations } from './backend-migrations.js';
import { appliedVersion, migrateStore, type BackendStore } from './backend-store.js';
import { IncidentRepository } from './incident-repository.js';
import { SyncStore } from './sync-store.js';

const incident: Incident = {
  id: 'INC-20261127-00001',
  type: 'bridge-strain',
  title: '朝天门长江大桥 应变超限',
  severity: 'critical',
  state: 'reported',
  position: [106.59, 29.58],
  districtAdcode: '500105',
  riskGrade: 'red',
  sensorId: 'S-1',
  reportedAt: '2026-11-27T01:00:00.000Z',
  updatedAt: '2026-11-27T01:00:00.000Z',
  synthetic: true,
  drillId: null,
  source: 'sensor',
  externalId: null,
};

describe('backend migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(backendMigrations.map((migration) => migration.version)).toEqual(backendMigrations.map((_, index) => index + 1));
  });
});

describe.each(STORE_ENGINES)('backend migrations on %s', (engine) => {
  const stores = testStores(engine);

  it('1: creates the incidents table; incidents round-trip and updates replace the row', async () => {
    const store = await stores.fresh({ upTo: 1 });
    expect(await appliedVersion(store.db)).toBe(1);
    const repository = new IncidentRepository(store, recordingLogger());
    await repository.saveAll([incident]);
    await repository.saveAll([{ ...incident, state: 'registered', updatedAt: '2026-11-27T01:00:20.000Z' }]);
    expect(await repository.recent()).toEqual([{ ...incident, state: 'registered', updatedAt: '2026-11-27T01:00:20.000Z' }]);
  });

  it('skips an unreadable row without deleting it', async () => {
    const store = await stores.fresh();
    await sql`INSERT INTO incidents VALUES ('bad', 'reported', 'x', 'x', '{not json')`.execute(store.db);
    const logger = recordingLogger();
    expect(await new IncidentRepository(store, logger).recent()).toEqual([]);
    expect(logger.records.some((record) => record.message === 'skipped an unreadable incident row')).toBe(true);
    expect(await count(store, 'incidents')).toBe(1);
  });

  it('2: adds the append-only sync log and its conflicts', async () => {
    const store = await stores.fresh({ upTo: 1 });
    await repositoryRoundTrip(store);
    await migrateStore(store, recordingLogger(), 2);
    expect(await appliedVersion(store.db)).toBe(2);
    const insert = (seq: number, origin: string) =>
      store.db.insertInto('sync_log').values({ seq, key: 'run:r', kind: 'run', origin_console: origin, body_json: '{}', received_at: 'now' }).execute();
    await insert(1, 'a');
    // A key is stored once.
    await expect(insert(2, 'b')).rejects.toThrow(/unique/i);
    await expect(store.db.updateTable('sync_log').set({ body_json: '1' }).execute()).rejects.toThrow(/append-only/);
    await expect(store.db.deleteFrom('sync_log').execute()).rejects.toThrow(/append-only/);
    await store.db.insertInto('sync_conflicts').values({ key: 'run:r', kept_from: 'a', refused_from: 'b', refused_body_json: '{}', at: 'now' }).execute();
    // Incidents from version 1 are still there.
    expect(await new IncidentRepository(store, recordingLogger()).recent()).toHaveLength(1);
  });

  it('3: records who drives each logged run, its last event and whether it finished, from the log already kept', async () => {
    const store = await stores.fresh({ upTo: 2 });
    let seq = 0;
    const log = (key: string, kind: string, origin: string, body: object) =>
      store.db
        .insertInto('sync_log')
        .values({ seq: ++seq, key, kind, origin_console: origin, body_json: JSON.stringify({ kind, key, origin, body }), received_at: 'now' })
        .execute();
    await log('run:r1', 'run', 'a', { runId: 'r1' });
    await log('run-event:r1#1', 'run-event', 'a', { runId: 'r1', seq: 1, event: { type: 'run-started' } });
    await log('run-event:r1#2', 'run-event', 'a', { runId: 'r1', seq: 2, event: { type: 'run-finished' } });
    await log('run:r2', 'run', 'b', { runId: 'r2' });
    await log('run-event:r2#1', 'run-event', 'b', { runId: 'r2', seq: 1, event: { type: 'run-started' } });
    // An event of a run nobody logged (a record older versions let in) is left out.
    await log('run-event:ghost#1', 'run-event', 'c', { runId: 'ghost', seq: 1, event: { type: 'run-started' } });
    await migrateStore(store, recordingLogger(), 3);
    expect(await appliedVersion(store.db)).toBe(3);
    expect(await store.db.selectFrom('sync_runs').select(['run_id', 'owner_console', 'last_event_seq', 'finished']).orderBy('run_id').execute()).toEqual([
      { run_id: 'r1', owner_console: 'a', last_event_seq: 2, finished: 1 },
      { run_id: 'r2', owner_console: 'b', last_event_seq: 1, finished: 0 },
    ]);
    const run = (runId: string, finished: number) =>
      store.db.insertInto('sync_runs').values({ run_id: runId, owner_console: 'x', last_event_seq: 0, finished: finished as 0 | 1 }).execute();
    await expect(run('r1', 0)).rejects.toThrow(/unique/i);
    await expect(run('r3', 2)).rejects.toThrow(/check/i);
  });

  it('4: adds console credentials: a 32-byte hash, one credential in force per name and per bound console id', async () => {
    const store = await stores.fresh({ upTo: 3 });
    await repositoryRoundTrip(store);
    await migrateStore(store, recordingLogger(), 4);
    expect(await appliedVersion(store.db)).toBe(4);
    const hash = Buffer.alloc(32, 1);
    const insert = (id: string, name: string, secret: Buffer, consoleId: string | null) =>
      store.db
        .insertInto('console_credentials')
        .values({ credential_id: id, name, secret_sha256: secret, console_id: consoleId, enrolled_at: 'now', revoked_at: null })
        .execute();
    await insert('id-1', 'a', hash, 'console-1');
    await expect(insert('id-2', 'a', hash, null)).rejects.toThrow(/unique/i);
    await expect(insert('id-2', 'b', hash, 'console-1')).rejects.toThrow(/unique/i);
    await expect(insert('id-2', 'b', Buffer.alloc(16), null)).rejects.toThrow(/check/i);
    // Revoked rows stay and free their name and console id.
    await store.db.updateTable('console_credentials').set({ revoked_at: 'later' }).where('credential_id', '=', 'id-1').execute();
    await insert('id-2', 'a', hash, 'console-1');
    expect(await count(store, 'console_credentials')).toBe(2);
    expect(await new IncidentRepository(store, recordingLogger()).recent()).toHaveLength(1);
  });

  it('5: adds ingestion source credentials: a 32-byte hash, one credential in force per name', async () => {
    const store = await stores.fresh({ upTo: 4 });
    await repositoryRoundTrip(store);
    await migrateStore(store, recordingLogger(), 5);
    expect(await appliedVersion(store.db)).toBe(5);
    const insert = (id: string, name: string, secret: Buffer) =>
      store.db.insertInto('ingest_source_credentials').values({ credential_id: id, name, secret_sha256: secret, added_at: 'now', revoked_at: null }).execute();
    await insert('id-1', 'hotline', Buffer.alloc(32, 1));
    await expect(insert('id-2', 'hotline', Buffer.alloc(32, 2))).rejects.toThrow(/unique/i);
    await expect(insert('id-2', 'citizen-app', Buffer.alloc(31))).rejects.toThrow(/check/i);
    await expect(insert('id-1', 'citizen-app', Buffer.alloc(32))).rejects.toThrow(/unique/i);
    // A revoked row stays and frees its name.
    await store.db.updateTable('ingest_source_credentials').set({ revoked_at: 'later' }).where('credential_id', '=', 'id-1').execute();
    await insert('id-2', 'hotline', Buffer.alloc(32, 2));
    expect(await count(store, 'ingest_source_credentials')).toBe(2);
    expect(await new IncidentRepository(store, recordingLogger()).recent()).toHaveLength(1);
  });

  it('6: keeps what each source may speak for; a source added before it may speak for anything', async () => {
    const store = await stores.fresh({ upTo: 5 });
    await store.db.insertInto('ingest_source_credentials').values({ credential_id: 'id-1', name: 'hotline', secret_sha256: Buffer.alloc(32, 1), added_at: 'now', revoked_at: null }).execute();
    await migrateStore(store, recordingLogger(), 6);
    expect(await appliedVersion(store.db)).toBe(6);
    expect(await store.db.selectFrom('ingest_source_credentials').select('scope_json').executeTakeFirst()).toEqual({ scope_json: null });
    await store.db.updateTable('ingest_source_credentials').set({ scope_json: '{"systems":null,"devices":["SN*"]}' }).execute();
    expect((await new SourceCredentials(store).list())[0]?.scope).toEqual({ systems: null, devices: ['SN*'] });
  });

  it('refuses a store migrated by a newer Zhili, and applies nothing twice', async () => {
    const location = await stores.location();
    const store = await stores.open(location);
    const logger = recordingLogger();
    await migrateStore(store, logger);
    expect(logger.records).toEqual([]);
    await store.db.insertInto('schema_migrations').values({ version: 99, name: 'from the future', applied_at: 'later' }).execute();
    if (engine === 'sqlite') await sql`PRAGMA user_version = 99`.execute(store.db);
    await store.close();
    await expect(stores.open(location)).rejects.toThrow(/has schema version 99, newer than this Zhili knows \(6\)/);
  });
});

describe('a backend data folder made before Kysely', () => {
  const stores = testStores('sqlite');

  it('opens at its version with nothing re-run, keeps its incidents, sync log, runs and credentials, and goes on from them', async () => {
    const location = await stores.location();
    if (location.engine !== 'sqlite') throw new Error('a SQLite location');
    const legacy = new Database(location.file);
    legacy.exec(readFileSync(new URL('../../../test/fixtures/backend/backend-v5.sql', import.meta.url), 'utf8'));
    legacy.close();

    const logger = recordingLogger();
    const store = await stores.open(location, { logger });
    // Only what came after it is applied.
    expect(logger.records.filter((record) => record.message === 'migration applied').map((record) => record.fields?.version)).toEqual([6]);
    expect(await appliedVersion(store.db)).toBe(6);
    expect((await new IncidentRepository(store, recordingLogger()).recent()).map((entry) => [entry.id, entry.state])).toEqual([
      ['INC-20261127-00001', 'registered'],
      ['INC-20261127-00002', 'closed'],
    ]);
    const consoleId = '6f1c1a52-4d8e-4a6e-9a36-0e0d2c4b1a01';
    expect(await new ConsoleCredentials(store).authenticate('5f_Z3hx8eUeb.KYnxswO8Ee2cknuquEUs75zM2na-L4YBjljx_6GgYZQ', consoleId)).toEqual({
      ok: true,
      name: 'district-yuzhong-1',
      consoleId,
    });
    expect(await new SourceCredentials(store).authenticate('60rzfzLkoqlF.qhbbYoYEDiN6Sk9Yi_uHO62q_w3ckWXtZ-kfBGUTDG8')).toEqual({ ok: true, name: 'hotline-12319', scope: null });

    const sync = new SyncStore(store, recordingLogger());
    const page = await sync.pull(0, 10);
    expect(page.records.map((entry) => [entry.seq, entry.record.key])).toEqual([
      [1, 'plan:plan-p@1'],
      [2, 'run:r'],
      [3, 'run-event:r#1'],
    ]);
    // The run's driver and next event number came through: its console goes on where it was, after the last seq.
    const next = { ...page.records[2]?.record, key: 'run-event:r#2', body: { runId: 'r', seq: 2, event: { type: 'step-acknowledged', at: '2026-12-06T01:00:03.000Z', by: { kind: 'operator', name: '张伟', window: 'plans/test' }, stepId: 'inspect' } } };
    expect(await sync.push([next], consoleId)).toMatchObject({ stored: ['run-event:r#2'], refused: [], logged: [{ seq: 4 }] });
  });
});

async function count(store: BackendStore, table: 'incidents' | 'console_credentials' | 'ingest_source_credentials'): Promise<number> {
  const row = await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function repositoryRoundTrip(store: BackendStore): Promise<void> {
  await new IncidentRepository(store, recordingLogger()).saveAll([incident]);
}
