import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/helpers/test-logger.js';
import { openDatabase } from '../../../node/sqlite.js';
import { consoleMigrations } from '../db/console-migrations.js';
import { MapViewRepository } from './map-view-repository.js';
import { SAVED_VIEW_FORMAT } from '../../../shared/map/saved-views.js';

function repository() {
  const logger = recordingLogger();
  const db = openDatabase({ file: ':memory:', migrations: consoleMigrations, logger });
  return { db, logger, views: new MapViewRepository(db, logger) };
}

const body = {
  camera: { center: [106.5772, 29.5576] as [number, number], zoom: 14, bearing: 30, pitch: 45 },
  layers: { visibility: { depots: true }, opacity: { components: 0.6 }, gridMeasure: 'alarms' as const },
};

describe('MapViewRepository', () => {
  it('saves, replaces, lists by name and deletes views in the current format', () => {
    const { views } = repository();
    views.save('解放碑', body, '值班员', new Date('2026-11-27T01:00:00Z'));
    views.save('全市', { ...body, camera: { ...body.camera, zoom: 8 } }, '值班员', new Date('2026-11-27T01:01:00Z'));
    views.save('解放碑', { ...body, camera: { ...body.camera, zoom: 16 } }, '张三', new Date('2026-11-27T01:02:00Z'));
    const list = views.list();
    expect(list.map((view) => view.name)).toEqual(['全市', '解放碑']);
    expect(list[1]).toMatchObject({ savedBy: '张三', storedFormat: SAVED_VIEW_FORMAT, body: { camera: { zoom: 16 } } });
    expect(views.delete('全市')).toBe(true);
    expect(views.delete('全市')).toBe(false);
    expect(views.list().map((view) => view.name)).toEqual(['解放碑']);
  });

  it('upgrades a view stored in format 1 when reading it, and skips (but keeps) a damaged row', () => {
    const { db, views, logger } = repository();
    const v1 = { center: [106.5, 29.5], zoom: 12, visibility: { 'vehicles:sweeper': false }, opacity: { iot: 0.5 } };
    db.prepare("INSERT INTO map_views VALUES ('旧视图', 1, ?, 'then', '值班员')").run(JSON.stringify(v1));
    db.prepare("INSERT INTO map_views VALUES ('坏视图', 2, '{\"camera\":1}', 'then', '值班员')").run();
    expect(views.list()).toEqual([
      {
        name: '旧视图',
        storedFormat: 1,
        savedAt: 'then',
        savedBy: '值班员',
        body: { camera: { center: [106.5, 29.5], zoom: 12, bearing: 0, pitch: 0 }, layers: { visibility: { 'vehicles:sweeper': false }, opacity: { iot: 0.5 }, gridMeasure: 'open-cases' } },
      },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM map_views').get()).toEqual({ n: 2 });
    expect(JSON.stringify(logger.records)).toContain('坏视图');
  });
});
