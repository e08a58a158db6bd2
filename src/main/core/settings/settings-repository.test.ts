import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/helpers/test-logger.js';
import { defaultSettings } from '../../../shared/domain/settings.js';
import { migrate } from '../../../node/sqlite.js';
import { consoleMigrations } from '../db/console-migrations.js';
import { SettingsRepository, consoleIdentity } from './settings-repository.js';

function database() {
  const db = new Database(':memory:');
  migrate(db, consoleMigrations, recordingLogger());
  return db;
}

describe('SettingsRepository', () => {
  it('starts from the defaults (Chinese first) and keeps updates', () => {
    const repository = new SettingsRepository(database());
    expect(repository.read()).toEqual(defaultSettings);
    expect(repository.read().language).toBe('zh-CN');
    expect(repository.update({ language: 'en' }, new Date())).toEqual({ ...defaultSettings, language: 'en' });
    expect(repository.read().language).toBe('en');
  });

  it('falls back to the default for one unreadable value and keeps the others', () => {
    const db = database();
    const repository = new SettingsRepository(db);
    repository.update({ language: 'en', theme: 'console-light' }, new Date());
    db.prepare("UPDATE settings SET value_json = '\"klingon\"' WHERE key = 'language'").run();
    expect(repository.read()).toEqual({ ...defaultSettings, language: 'zh-CN', theme: 'console-light' });
  });
});

describe('consoleIdentity', () => {
  it('creates one id and returns the same one afterwards', () => {
    const db = database();
    const id = consoleIdentity(db, new Date());
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(consoleIdentity(db, new Date())).toBe(id);
  });
});
