import { describe, expect, it } from 'vitest';
import { displaysWithScreens, nominalDisplays, type OsDisplay } from './displays.js';
import type { WallConfig } from './wall-config.js';

const display = (id: number, x: number, primary: boolean): OsDisplay => ({
  id,
  label: `D${id}`,
  bounds: { x, y: 0, width: 1920, height: 1080 },
  primary,
  scaleFactor: 1,
});

const wall: WallConfig = {
  version: 1,
  screens: [
    { role: 'map', displayId: 2, fullscreen: true, bounds: null },
    { role: 'video', displayId: 9, fullscreen: true, bounds: null },
    { role: 'dispatch', displayId: null, fullscreen: false, bounds: null },
  ],
};

describe('wall displays', () => {
  it('puts each screen on its own display, and on the primary one (marked displaced) when its display is absent', () => {
    const placed = displaysWithScreens(wall, [display(1, 0, true), display(2, 1920, false)]);
    expect(placed.map((entry) => [entry.id, entry.screens])).toEqual([
      [1, [{ index: 1, displaced: true }, { index: 2, displaced: false }]],
      [2, [{ index: 0, displaced: false }]],
    ]);
  });

  it('gives the web host one nominal full-HD display per configured screen, side by side', () => {
    expect(nominalDisplays(wall).map((entry) => [entry.bounds.x, entry.bounds.width, entry.primary, entry.screens])).toEqual([
      [0, 1920, true, [{ index: 0, displaced: false }]],
      [1920, 1920, false, [{ index: 1, displaced: false }]],
      [3840, 1920, false, [{ index: 2, displaced: false }]],
    ]);
  });
});
