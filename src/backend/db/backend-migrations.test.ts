import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { migrate, schemaVersion } from '../../node/sqlite.js';
import { backendMigrations } from './backend-migrations.js';
import { IncidentRepository } from './incident-repository.js';
import type { Incident } from '../../shared/domain/feed.js';

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

  it('1: creates the incidents table; incidents round-trip and updates replace the row', () => {
    const db = new Database(':memory:');
    migrate(db, backendMigrations, recordingLogger(), 1);
    expect(schemaVersion(db)).toBe(1);
    const repository = new IncidentRepository(db, recordingLogger());
    repository.saveAll([incident]);
    repository.saveAll([{ ...incident, state: 'registered', updatedAt: '2026-11-27T01:00:20.000Z' }]);
    expect(repository.recent()).toEqual([{ ...incident, state: 'registered', updatedAt: '2026-11-27T01:00:20.000Z' }]);
    db.close();
  });

  it('skips an unreadable row without deleting it', () => {
    const db = new Database(':memory:');
    migrate(db, backendMigrations, recordingLogger());
    db.prepare("INSERT INTO incidents VALUES ('bad', 'reported', 'x', 'x', '{not json')").run();
    const logger = recordingLogger();
    expect(new IncidentRepository(db, logger).recent()).toEqual([]);
    expect(logger.records.some((record) => record.message === 'skipped an unreadable incident row')).toBe(true);
    expect(db.prepare('SELECT COUNT(*) AS n FROM incidents').get()).toEqual({ n: 1 });
    db.close();
  });

  it('2: adds the append-only sync log and its conflicts', () => {
    const db = new Database(':memory:');
    migrate(db, backendMigrations, recordingLogger(), 1);
    repositoryRoundTrip(db);
    migrate(db, backendMigrations, recordingLogger(), 2);
    expect(schemaVersion(db)).toBe(2);
    const insert = db.prepare('INSERT INTO sync_log (key, kind, origin_console, body_json, received_at) VALUES (?, ?, ?, ?, ?)');
    expect(insert.run('run:r', 'run', 'a', '{}', 'now').lastInsertRowid).toBe(1);
    // A key is stored once.
    expect(() => insert.run('run:r', 'run', 'b', '{}', 'now')).toThrow(/UNIQUE/);
    expect(() => db.prepare('UPDATE sync_log SET body_json = 1').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM sync_log').run()).toThrow(/append-only/);
    db.prepare("INSERT INTO sync_conflicts (key, kept_from, refused_from, refused_body_json, at) VALUES ('run:r', 'a', 'b', '{}', 'now')").run();
    // Incidents from version 1 are still there.
    expect(new IncidentRepository(db, recordingLogger()).recent()).toHaveLength(1);
    db.close();
  });

  it('3: records who drives each logged run, its last event and whether it finished, from the log already kept', () => {
    const db = new Database(':memory:');
    migrate(db, backendMigrations, recordingLogger(), 2);
    const insert = db.prepare('INSERT INTO sync_log (key, kind, origin_console, body_json, received_at) VALUES (?, ?, ?, ?, ?)');
    const log = (key: string, kind: string, origin: string, body: object) => insert.run(key, kind, origin, JSON.stringify({ kind, key, origin, body }), 'now');
    log('run:r1', 'run', 'a', { runId: 'r1' });
    log('run-event:r1#1', 'run-event', 'a', { runId: 'r1', seq: 1, event: { type: 'run-started' } });
    log('run-event:r1#2', 'run-event', 'a', { runId: 'r1', seq: 2, event: { type: 'run-finished' } });
    log('run:r2', 'run', 'b', { runId: 'r2' });
    log('run-event:r2#1', 'run-event', 'b', { runId: 'r2', seq: 1, event: { type: 'run-started' } });
    // An event of a run nobody logged (a record older versions let in) is left out.
    log('run-event:ghost#1', 'run-event', 'c', { runId: 'ghost', seq: 1, event: { type: 'run-started' } });
    migrate(db, backendMigrations, recordingLogger(), 3);
    expect(schemaVersion(db)).toBe(3);
    expect(db.prepare('SELECT run_id, owner_console, last_event_seq, finished FROM sync_runs ORDER BY run_id').all()).toEqual([
      { run_id: 'r1', owner_console: 'a', last_event_seq: 2, finished: 1 },
      { run_id: 'r2', owner_console: 'b', last_event_seq: 1, finished: 0 },
    ]);
    expect(() => db.prepare("INSERT INTO sync_runs VALUES ('r1', 'x', 0, 0)").run()).toThrow(/UNIQUE|PRIMARY/);
    expect(() => db.prepare("INSERT INTO sync_runs VALUES ('r3', 'x', 0, 2)").run()).toThrow(/CHECK/);
    db.close();
  });

  it('4: adds console credentials: a 32-byte hash, one credential in force per name and per bound console id', () => {
    const db = new Database(':memory:');
    migrate(db, backendMigrations, recordingLogger(), 3);
    repositoryRoundTrip(db);
    migrate(db, backendMigrations, recordingLogger(), 4);
    expect(schemaVersion(db)).toBe(4);
    const insert = db.prepare('INSERT INTO console_credentials (credential_id, name, secret_sha256, console_id, enrolled_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)');
    const hash = Buffer.alloc(32, 1);
    insert.run('id-1', 'a', hash, 'console-1', 'now', null);
    expect(() => insert.run('id-2', 'a', hash, null, 'now', null)).toThrow(/UNIQUE/);
    expect(() => insert.run('id-2', 'b', hash, 'console-1', 'now', null)).toThrow(/UNIQUE/);
    expect(() => insert.run('id-2', 'b', Buffer.alloc(16), null, 'now', null)).toThrow(/CHECK/);
    // Revoked rows stay and free their name and console id.
    db.prepare("UPDATE console_credentials SET revoked_at = 'later' WHERE credential_id = 'id-1'").run();
    insert.run('id-2', 'a', hash, 'console-1', 'now', null);
    expect(db.prepare('SELECT COUNT(*) AS n FROM console_credentials').get()).toEqual({ n: 2 });
    expect(new IncidentRepository(db, recordingLogger()).recent()).toHaveLength(1);
    db.close();
  });

  it('5: adds ingestion source credentials: a 32-byte hash, one credential in force per name', () => {
    const db = new Database(':memory:');
    migrate(db, backendMigrations, recordingLogger(), 4);
    repositoryRoundTrip(db);
    migrate(db, backendMigrations, recordingLogger(), 5);
    expect(schemaVersion(db)).toBe(5);
    const insert = db.prepare('INSERT INTO ingest_source_credentials (credential_id, name, secret_sha256, added_at, revoked_at) VALUES (?, ?, ?, ?, ?)');
    insert.run('id-1', 'hotline', Buffer.alloc(32, 1), 'now', null);
    expect(() => insert.run('id-2', 'hotline', Buffer.alloc(32, 2), 'now', null)).toThrow(/UNIQUE/);
    expect(() => insert.run('id-2', 'citizen-app', Buffer.alloc(31), 'now', null)).toThrow(/CHECK/);
    expect(() => insert.run('id-1', 'citizen-app', Buffer.alloc(32), 'now', null)).toThrow(/UNIQUE|PRIMARY/);
    // A revoked row stays and frees its name.
    db.prepare("UPDATE ingest_source_credentials SET revoked_at = 'later' WHERE credential_id = 'id-1'").run();
    insert.run('id-2', 'hotline', Buffer.alloc(32, 2), 'now', null);
    expect(db.prepare('SELECT COUNT(*) AS n FROM ingest_source_credentials').get()).toEqual({ n: 2 });
    expect(new IncidentRepository(db, recordingLogger()).recent()).toHaveLength(1);
    db.close();
  });
});

function repositoryRoundTrip(db: Database.Database): void {
  new IncidentRepository(db, recordingLogger()).saveAll([incident]);
}
