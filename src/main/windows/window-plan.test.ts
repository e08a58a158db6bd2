import { describe, expect, it } from 'vitest';
import type { WallConfig } from '../../shared/wall/wall-config.js';
import { diffWindows, planWindows, type DisplayInfo } from './window-plan.js';

const display = (id: number, x: number, primary = false): DisplayInfo => ({
  id,
  primary,
  bounds: { x, y: 0, width: 1920, height: 1080 },
  workArea: { x, y: 0, width: 1920, height: 1040 },
});

const left = display(1, 0, true);
const middle = display(2, 1920);
const right = display(3, 3840);

const wall: WallConfig = {
  version: 1,
  screens: [
    { role: 'map', displayId: 2, fullscreen: true, bounds: null },
    { role: 'video', displayId: 3, fullscreen: true, bounds: null },
    { role: 'dispatch', displayId: 1, fullscreen: false, bounds: { x: 100, y: 50, width: 1400, height: 900 } },
  ],
};

describe('planWindows', () => {
  it('puts one window per screen on its own display: full screen takes the display, windowed keeps its bounds', () => {
    expect(planWindows(wall, [left, middle, right])).toEqual([
      { screen: 0, role: 'map', displayId: 2, bounds: middle.bounds, fullscreen: true, displaced: false },
      { screen: 1, role: 'video', displayId: 3, bounds: right.bounds, fullscreen: true, displaced: false },
      { screen: 2, role: 'dispatch', displayId: 1, bounds: { x: 100, y: 50, width: 1400, height: 900 }, fullscreen: false, displaced: false },
    ]);
  });

  it('moves the window of a removed display to the primary one, and back when the display returns', () => {
    const without = planWindows(wall, [left, middle]);
    expect(without[1]).toEqual({ screen: 1, role: 'video', displayId: 1, bounds: left.bounds, fullscreen: true, displaced: true });
    expect(without).toHaveLength(3);
    const changes = diffWindows(without, planWindows(wall, [left, middle, right]));
    expect(changes).toEqual({ open: [], close: [], move: [expect.objectContaining({ screen: 1, displayId: 3, displaced: false })] });
  });

  it('falls back to the first display when none is marked primary, and opens nothing without displays', () => {
    expect(planWindows(wall, [middle, right])[2]?.displayId).toBe(2);
    expect(planWindows(wall, [])).toEqual([]);
  });

  it('brings a saved window back inside a display that moved or shrank', () => {
    const moved = { ...left, bounds: { x: 0, y: 0, width: 1280, height: 720 }, workArea: { x: 0, y: 0, width: 1280, height: 690 } };
    expect(planWindows(wall, [moved, middle, right])[2]?.bounds).toEqual({ x: 0, y: 0, width: 1280, height: 690 });
    const shifted = { ...left, workArea: { x: 0, y: 40, width: 1920, height: 1040 } };
    expect(planWindows(wall, [shifted, middle, right])[2]?.bounds).toEqual({ x: 100, y: 50, width: 1400, height: 900 });
  });

  it('centres a windowed screen that has no saved bounds, or whose display is away', () => {
    const config: WallConfig = { version: 1, screens: [{ role: 'plans', displayId: 9, fullscreen: false, bounds: { x: 5000, y: 0, width: 800, height: 600 } }] };
    expect(planWindows(config, [left])[0]).toMatchObject({ displayId: 1, displaced: true, bounds: { x: 560, y: 220, width: 800, height: 600 } });
  });
});

describe('diffWindows', () => {
  it('opens new screens, closes removed ones and moves only the windows that change', () => {
    const before = planWindows(wall, [left, middle, right]);
    const fewer: WallConfig = { version: 1, screens: [wall.screens[0] as WallConfig['screens'][number], { ...(wall.screens[1] as WallConfig['screens'][number]), role: 'plans' }] };
    expect(diffWindows(before, planWindows(fewer, [left, middle, right]))).toEqual({
      open: [],
      move: [expect.objectContaining({ screen: 1, role: 'plans' })],
      close: [2],
    });
    expect(diffWindows([], before).open).toHaveLength(3);
    expect(diffWindows(before, before)).toEqual({ open: [], move: [], close: [] });
  });
});
