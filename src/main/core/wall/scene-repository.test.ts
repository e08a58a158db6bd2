import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/helpers/test-logger.js';
import { builtinScenes, type Scene } from '../../../shared/wall/scenes.js';
import { migrate } from '../../../node/sqlite.js';
import { consoleMigrations } from '../db/console-migrations.js';
import { SceneRepository } from './scene-repository.js';

function database() {
  const db = new Database(':memory:');
  migrate(db, consoleMigrations, recordingLogger());
  return db;
}

const riverWatch: Scene = {
  id: 'river-watch',
  name: { zh: '两江巡查', en: 'River watch' },
  map: { view: { center: [106.58, 29.56], zoom: 12 }, layers: ['rivers', 'risk-sites:cross-river-bridge'] },
  video: { layoutSize: 4, source: { kind: 'camera-group', group: { siteTypes: ['cross-river-bridge'], grades: ['red'] } } },
  dispatch: { panel: 'incidents' },
  plans: { panel: 'library' },
};

describe('SceneRepository', () => {
  it('seeds the built-in scenes once, in order, and lists them before the operators’ scenes', () => {
    const repository = new SceneRepository(database(), recordingLogger());
    expect(repository.seedBuiltins(builtinScenes, '2026-07-01T00:00:00.000Z')).toBe(builtinScenes.length);
    expect(repository.seedBuiltins(builtinScenes, '2026-07-02T00:00:00.000Z')).toBe(0);
    repository.save(riverWatch, '张伟 (map/1)', '2026-07-03T00:00:00.000Z');
    const list = repository.list();
    expect(list.map((entry) => entry.scene.id)).toEqual(['normal-duty', 'flood-season', 'major-event', 'emergency', 'river-watch']);
    expect(list.map((entry) => entry.scene.name.zh).slice(0, 3)).toEqual(['日常值守', '汛期', '重大活动']);
    expect(list.at(-1)).toEqual({ scene: riverWatch, builtin: false, updatedAt: '2026-07-03T00:00:00.000Z', updatedBy: '张伟 (map/1)' });
  });

  it('keeps an operator’s edit of a built-in scene (still built-in) when the built-ins are seeded again', () => {
    const repository = new SceneRepository(database(), recordingLogger());
    repository.seedBuiltins(builtinScenes, '2026-07-01T00:00:00.000Z');
    const flood = builtinScenes.find((scene) => scene.id === 'flood-season') as Scene;
    const edited = { ...flood, video: { ...flood.video, layoutSize: 9 as const } };
    expect(repository.save(edited, '张伟 (map/1)', '2026-07-02T00:00:00.000Z')).toMatchObject({ builtin: true, scene: { video: { layoutSize: 9 } } });
    repository.seedBuiltins(builtinScenes, '2026-07-03T00:00:00.000Z');
    expect(repository.get('flood-season')?.scene.video.layoutSize).toBe(9);
  });

  it('skips a stored scene that no longer fits the schema, without deleting it, and keeps listing the others', () => {
    const db = database();
    const logger = recordingLogger();
    const repository = new SceneRepository(db, logger);
    repository.save(riverWatch, 'a', 'now');
    db.prepare("INSERT INTO scenes VALUES ('broken', 0, '{\"id\":\"broken\",\"name\":7}', 'now', 'hand edit')").run();
    expect(repository.list().map((entry) => entry.scene.id)).toEqual(['river-watch']);
    expect(repository.get('broken')).toBeNull();
    expect(db.prepare('SELECT COUNT(*) AS n FROM scenes').get()).toEqual({ n: 2 });
    expect(logger.records.some((record) => record.level === 'warn' && record.message.includes('stored scene'))).toBe(true);
  });

  it('stores the active scene with its run and the scene to return to, and reads it back after a reopen', () => {
    const db = database();
    const first = new SceneRepository(db, recordingLogger());
    expect(first.active()).toBeNull();
    const emergency = builtinScenes.find((scene) => scene.id === 'emergency') as Scene;
    const run = { runId: 'RUN-1', mode: 'drill' as const, planTitle: { zh: '桥梁预案', en: 'Bridge plan' }, incidentId: 'INC-1', incidentTitle: '桥面异响' };
    const stored = { active: { scene: emergency, appliedBy: '张伟 (plans/1)', appliedAt: '2026-07-01T00:00:00.000Z', cause: 'run-started' as const, run }, revertTo: 'flood-season' };
    first.setActive(stored);
    const reopened = new SceneRepository(db, recordingLogger());
    expect(reopened.active()).toEqual(stored);
  });
});
