import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { migrate, schemaVersion } from '../../node/sqlite.js';
import { backendMigrations } from './backend-migrations.js';
import { IncidentRepository } from './incident-repository.js';
import { SyncStore } from './sync-store.js';
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

  it('2: adds the append-only sync log; a key is stored once and a different body under it is a conflict', () => {
    const db = new Database(':memory:');
    migrate(db, backendMigrations, recordingLogger(), 1);
    repositoryRoundTrip(db);
    migrate(db, backendMigrations, recordingLogger(), 2);
    expect(schemaVersion(db)).toBe(2);
    const store = new SyncStore(db, recordingLogger());
    const record = (origin: string, title: string) => ({
      kind: 'run' as const,
      key: 'run:r',
      origin,
      body: { runId: 'r', planId: title, planVersion: 1, mode: 'live' as const, drillId: null, startedAt: '2026-11-27T02:00:00Z' },
    });
    expect(store.push([record('a', 'p')])).toMatchObject({ stored: ['run:r'], conflicts: [], logged: [{ seq: 1 }] });
    // The same record again (a resend after a lost acknowledgement) is acknowledged and not stored twice.
    expect(store.push([record('a', 'p')])).toMatchObject({ stored: ['run:r'], conflicts: [], logged: [] });
    expect(store.push([record('b', 'other')])).toMatchObject({ stored: [], conflicts: [{ key: 'run:r', keptFrom: 'a', refusedFrom: 'b' }] });
    expect(store.pull(0, 10)).toEqual([{ seq: 1, record: record('a', 'p') }]);
    expect(store.pull(1, 10)).toEqual([]);
    expect(() => db.prepare('DELETE FROM sync_log').run()).toThrow(/append-only/);
    // Incidents from version 1 are still there.
    expect(new IncidentRepository(db, recordingLogger()).recent()).toHaveLength(1);
    db.close();
  });
});

function repositoryRoundTrip(db: Database.Database): void {
  new IncidentRepository(db, recordingLogger()).saveAll([incident]);
}
