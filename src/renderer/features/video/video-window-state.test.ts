import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../shared/wall/window-state.js';
import { decodeWindowState } from '../wall/index.js';
import {
  VideoWindowStateSchema,
  msToNextTourPage,
  placementWall,
  placementsOn,
  tourPageAt,
  withPlacement,
  withVideoChange,
  type VideoWindowState,
} from './video-window-state.js';

const VideoWindowStateOrNone = VideoWindowStateSchema.nullable();
const camera = (n: number) => ({ id: `CM00000${n}`, name: `摄像机 ${n}`, detail: `5001030008130000000${n}` });

describe('a video window’s saved state', () => {
  it('loads a state saved before tours and placed cameras were kept: no tour, nothing placed', () => {
    const saved = { version: 1, data: { choice: 4, underScene: '2026-05-01T08:00:00.000Z' }, savedAt: '2026-05-01T08:01:00.000Z' };
    expect(decodeWindowState(saved, VideoWindowStateOrNone, 1)).toEqual({
      choice: 4,
      underScene: '2026-05-01T08:00:00.000Z',
      tour: null,
      placed: { wall: '', tiles: {} },
    });
  });

  it('loads a state with a tour and placed cameras as saved, and refuses a broken one (the window starts afresh)', () => {
    const data = {
      choice: 9,
      underScene: null,
      tour: { dwellS: 5, startedAt: '2026-05-01T08:00:00.000Z' },
      placed: { wall: 'INC-1|9|0', tiles: { '1': camera(1), '8': camera(2) } },
    };
    expect(decodeWindowState({ version: 1, data, savedAt: 't' }, VideoWindowStateOrNone, 1)).toEqual(data);
    // A dwell shorter than a screen can be read, a position beyond a 4×4 wall, a tile that is not a camera.
    const brokenStates: JsonValue[] = [
      { ...data, tour: { dwellS: 1, startedAt: '2026-05-01T08:00:00.000Z' } },
      { ...data, placed: { wall: 'INC-1|9|0', tiles: { '16': camera(1) } } },
      { ...data, placed: { wall: 'INC-1|9|0', tiles: { '1': { id: 'nobody', name: '', detail: '' } } } },
    ];
    for (const broken of brokenStates) {
      expect(decodeWindowState({ version: 1, data: broken, savedAt: 't' }, VideoWindowStateOrNone, 1)).toBeNull();
    }
  });

  it('saves one change over the rest: a window that never chose a layout keeps the one it shows under this scene', () => {
    const now = { layout: 9 as const, scene: 'scene-at-2' };
    const tour = { dwellS: 10, startedAt: '2026-05-01T08:00:00.000Z' };
    expect(withVideoChange(null, now, { tour })).toEqual({ choice: 9, underScene: 'scene-at-2', tour, placed: { wall: '', tiles: {} } });
    const earlier: VideoWindowState = { choice: 4, underScene: 'scene-at-1', tour, placed: { wall: 'w', tiles: { 0: camera(1) } } };
    // A choice made under an earlier scene gives way to the layout shown now; the tour and placed cameras stay.
    expect(withVideoChange(earlier, now, { tour: null })).toEqual({ choice: 9, underScene: 'scene-at-2', tour: null, placed: earlier.placed });
    expect(withVideoChange({ ...earlier, underScene: 'scene-at-2' }, now, { choice: 16 })).toMatchObject({ choice: 16, tour });
  });

  it('keeps cameras placed on a wall while its source, layout and tour page are the same', () => {
    const wall = placementWall('INC-1', 4, 0);
    const placed = withPlacement(withPlacement(undefined, wall, 1, camera(1)), wall, 3, camera(2));
    expect(placementsOn(placed, wall)).toEqual({ 1: camera(1), 3: camera(2) });
    expect(placementsOn(placed, placementWall('INC-1', 9, 0))).toEqual({});
    expect(placementsOn(placed, placementWall('INC-1', 4, 1))).toEqual({});
    expect(placementsOn(placed, placementWall('INC-2', 4, 0))).toEqual({});
    // A camera placed on another wall starts that wall's placements afresh.
    expect(withPlacement(placed, placementWall('INC-2', 4, 0), 0, camera(3)).tiles).toEqual({ 0: camera(3) });
  });

  it('turns a tour’s pages off the clock from its start, so a reloaded window resumes where the tour is now', () => {
    const start = Date.parse('2026-05-01T08:00:00.000Z');
    const tour = { dwellS: 5, startedAt: '2026-05-01T08:00:00.000Z' };
    expect(tourPageAt(tour, start)).toBe(0);
    expect(tourPageAt(tour, start + 4_999)).toBe(0);
    expect(tourPageAt(tour, start + 5_000)).toBe(1);
    expect(tourPageAt(tour, start + 62_000)).toBe(12);
    // A clock set back before the start.
    expect(tourPageAt(tour, start - 60_000)).toBe(0);
    expect(msToNextTourPage(tour, start)).toBe(5_000);
    expect(msToNextTourPage(tour, start + 62_000)).toBe(3_000);
  });
});
