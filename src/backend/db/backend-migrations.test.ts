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
});
