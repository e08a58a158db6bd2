import { describe, expect, it } from 'vitest';
import { builtinScenes } from '../../../shared/wall/scenes.js';
import { blankSceneForm, formOf, sceneOf } from './scene-form.js';

describe('the scene form', () => {
  it('gives back every built-in scene unchanged', () => {
    for (const scene of builtinScenes) expect(sceneOf(formOf(scene))).toEqual({ ok: true, scene });
  });

  it('reads a centre typed with a Chinese comma and spaces, and a layer list', () => {
    const result = sceneOf({ ...blankSceneForm, id: 'night-watch', nameZh: '夜间值守', nameEn: 'Night watch', center: '106.58， 29.56', layers: 'rivers,  incidents ,' });
    expect(result).toMatchObject({ ok: true, scene: { map: { view: { center: [106.58, 29.56] }, layers: ['rivers', 'incidents'] } } });
  });

  it('names every field that is wrong', () => {
    const result = sceneOf({ ...blankSceneForm, id: 'Night Watch', nameZh: '', nameEn: 'x', center: '106.58', zoom: 'far', source: 'camera-group', siteTypes: [] });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map((problem) => problem.path)).toEqual(
        expect.arrayContaining(['id', 'name.zh', 'map.view.center', 'map.view.zoom', 'video.source.group.siteTypes']),
      );
    }
  });
});
