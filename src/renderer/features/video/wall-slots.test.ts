import { describe, expect, it } from 'vitest';
import { reservedTiles, tourPage, wallSlots, withPlaced, type Tile } from './wall-slots.js';

const tile = (id: string): Tile => ({ id, name: id, detail: '' });

describe('the wall’s positions', () => {
  it('fills the layout with the cameras, then free positions', () => {
    expect(wallSlots([tile('A'), tile('B')], 4, null).map((slot) => (slot.kind === 'free' ? 'free' : slot.tile.id))).toEqual(['A', 'B', 'free', 'free']);
  });

  it('puts an alarm’s cameras on the last row over what was there, never more than the row holds', () => {
    const cameras = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'].map(tile);
    const slots = wallSlots(cameras, 9, { incidentId: 'INC-1', cameras: ['X', 'Y', 'Z', 'W'].map(tile) });
    expect(slots.map((slot) => `${slot.kind}:${slot.kind === 'free' ? '' : slot.tile.id}`)).toEqual([
      'camera:A',
      'camera:B',
      'camera:C',
      'camera:D',
      'camera:E',
      'camera:F',
      'alarm:X',
      'alarm:Y',
      'alarm:Z',
    ]);
    // One camera near the alarm takes the last position only.
    expect(wallSlots(cameras.slice(0, 4), 4, { incidentId: 'INC-1', cameras: [tile('X')] }).map((slot) => slot.kind)).toEqual(['camera', 'camera', 'camera', 'alarm']);
    expect([1, 4, 9, 16].map(reservedTiles)).toEqual([1, 2, 3, 4]);
  });
});

describe('a tour of the wall', () => {
  it('shows the cameras a layout at a time, round again after the last page', () => {
    const cameras = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'].map(tile);
    const ids = (page: number) => tourPage(cameras, 4, page).cameras.map((camera) => camera.id);
    expect(ids(0)).toEqual(['A', 'B', 'C', 'D']);
    expect(ids(1)).toEqual(['E', 'F', 'G', 'H']);
    expect(ids(2)).toEqual(['I']);
    expect(tourPage(cameras, 4, 3)).toMatchObject({ page: 0, pages: 3 });
    expect(tourPage([], 4, 5)).toEqual({ cameras: [], page: 0, pages: 1 });
  });
});

describe('cameras placed by hand', () => {
  it('take their position over the wall’s camera there, free positions included', () => {
    const placed = withPlaced([tile('A'), tile('B')], 4, { 1: tile('X'), 3: tile('Y') });
    expect(placed.map((camera) => camera?.id)).toEqual(['A', 'X', undefined, 'Y']);
    expect(wallSlots(placed, 4, null).map((slot) => slot.kind)).toEqual(['camera', 'camera', 'free', 'camera']);
  });
});
