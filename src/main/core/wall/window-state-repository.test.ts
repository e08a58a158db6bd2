import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/helpers/test-logger.js';
import { migrate } from '../../../node/sqlite.js';
import { consoleMigrations } from '../db/console-migrations.js';
import { WindowStateRepository } from './window-state-repository.js';

function database() {
  const db = new Database(':memory:');
  migrate(db, consoleMigrations, recordingLogger());
  return db;
}

describe('WindowStateRepository', () => {
  it('keeps one state per role and screen, replaced by each save', () => {
    const repository = new WindowStateRepository(database(), recordingLogger());
    expect(repository.load({ role: 'video', screen: 'default' })).toBeNull();
    repository.save({ role: 'video', screen: 'default' }, { version: 1, data: { layoutSize: 4 } }, '2026-07-01T00:00:00.000Z');
    repository.save({ role: 'video', screen: 'left' }, { version: 1, data: { layoutSize: 16 } }, '2026-07-01T00:00:01.000Z');
    repository.save({ role: 'video', screen: 'default' }, { version: 2, data: { layoutSize: 9 } }, '2026-07-01T00:00:02.000Z');
    expect(repository.load({ role: 'video', screen: 'default' })).toEqual({ version: 2, data: { layoutSize: 9 }, savedAt: '2026-07-01T00:00:02.000Z' });
    expect(repository.load({ role: 'video', screen: 'left' })?.data).toEqual({ layoutSize: 16 });
    expect(repository.load({ role: 'dispatch', screen: 'default' })).toBeNull();
  });

  it('answers null for a stored state that became unreadable, and leaves the row for inspection', () => {
    const db = database();
    const logger = recordingLogger();
    const repository = new WindowStateRepository(db, logger);
    db.prepare("INSERT INTO window_states VALUES ('map', 'default', 1, '[1e999]', 'now')").run();
    expect(repository.load({ role: 'map', screen: 'default' })).toBeNull();
    expect(db.prepare('SELECT COUNT(*) AS n FROM window_states').get()).toEqual({ n: 1 });
    expect(logger.records.some((record) => record.level === 'warn')).toBe(true);
  });
});
