import { describe, expect, it } from 'vitest';
import type { WallDisplay } from '../../../shared/wall/displays.js';
import type { WallConfig } from '../../../shared/wall/wall-config.js';
import { displaysForDraft, drawDisplays } from './display-drawing.js';

const display = (id: number, x: number, y: number, width: number, height: number, primary = false): WallDisplay => ({
  id,
  label: null,
  bounds: { x, y, width, height },
  primary,
  scaleFactor: 1,
  screens: [],
});

const draft: WallConfig = {
  version: 1,
  screens: [
    { role: 'map', displayId: 2, fullscreen: true, bounds: null },
    { role: 'video', displayId: null, fullscreen: true, bounds: null },
  ],
};

describe('the settings picture of the displays', () => {
  it('keeps the arrangement and proportions: a 4K display beside a full-HD one stacked with an offset', () => {
    const drawn = drawDisplays([display(1, 0, 0, 3840, 2160, true), display(2, 3840, 540, 1920, 1080)], { width: 576, height: 300 });
    expect(drawn.map(({ left, top, width, height }) => [left, top, width, height])).toEqual([
      [0, 0, 384, 216],
      [384, 54, 192, 108],
    ]);
  });

  it('places the edited screens on the OS displays, and draws nominal displays sized like this browser’s screen on the web host', () => {
    const os = displaysForDraft({ source: 'os', displays: [display(1, 0, 0, 1920, 1080, true), display(2, 1920, 0, 1920, 1080)] }, draft, null);
    expect(os.map((entry) => [entry.id, entry.screens.map((screen) => screen.index)])).toEqual([
      [1, [1]],
      [2, [0]],
    ]);
    const web = displaysForDraft({ source: 'configured', displays: [] }, draft, { width: 2560, height: 1440 });
    expect(web.map((entry) => [entry.bounds.x, entry.bounds.width, entry.screens[0]?.index])).toEqual([
      [0, 2560, 0],
      [2560, 2560, 1],
    ]);
  });
});
