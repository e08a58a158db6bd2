import { describe, expect, it } from 'vitest';
import { HOME, SCENE, VIEW, ZOOM_RANGE, advance, positionLabel, viewWindow } from './virtual-ptz-view.js';

describe('virtual PTZ view', () => {
  it('moves at its speed and stops at the ends of each range', () => {
    const right = advance(HOME, { pan: 1, tilt: 0, zoom: 0 }, 1);
    expect(right.pan).toBeCloseTo(0.5 + 1 / 6);
    expect(right.tilt).toBe(0.5);
    expect(advance(HOME, { pan: 1, tilt: -1, zoom: 1 }, 60)).toEqual({ pan: 1, tilt: 0, zoom: ZOOM_RANGE.max });
    expect(advance(HOME, { pan: -0.5, tilt: 0, zoom: -1 }, 60)).toEqual({ pan: 0, tilt: 0.5, zoom: ZOOM_RANGE.min });
  });

  it('cuts the view from the scaled scene: centred at home, at the edges at the ends, larger scene when zoomed', () => {
    const home = viewWindow(HOME);
    expect(home.scaledWidth).toBe(SCENE.width * 0.75);
    expect(home.x).toBe((home.scaledWidth - VIEW.width) / 2);
    const topLeft = viewWindow({ pan: 0, tilt: 1, zoom: 1 });
    expect([topLeft.x, topLeft.y]).toEqual([0, 0]);
    const bottomRight = viewWindow({ pan: 1, tilt: 0, zoom: 2 });
    expect(bottomRight.scaledWidth).toBe(2880);
    expect(bottomRight.x + VIEW.width).toBe(bottomRight.scaledWidth);
    expect(bottomRight.y + VIEW.height).toBe(bottomRight.scaledHeight);
    for (const zoom of [1, 1.13, 1.57, 2]) {
      const window = viewWindow({ pan: 0.3, tilt: 0.7, zoom });
      expect(window.scaledWidth % 2).toBe(0);
      expect(window.scaledHeight % 2).toBe(0);
    }
  });

  it('labels the position', () => {
    expect(positionLabel({ pan: 0.25, tilt: 0.5, zoom: 1.5 })).toBe('PAN 25  TILT 50  ZOOM 1.5x');
  });
});
