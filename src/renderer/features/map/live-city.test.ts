import { describe, expect, it } from 'vitest';
import type { FeedTick } from '../../../shared/domain/feed.js';
import { LiveCity, TRAIL_SAMPLES, TRAIL_STEP_MS } from './live-city.js';

const origin: [number, number] = [106.5, 29.5];
const sensors = new Map([
  ['SN000001', 0],
  ['SN000002', 1],
]);

function tick(seq: number, atMs: number, vehicleLng: number, changes: FeedTick['sensorChanges'] = []): FeedTick {
  return {
    seq,
    at: new Date(atMs).toISOString(),
    vehiclePositions: [vehicleLng, 29.6, 106.7, 29.7],
    crewPositions: [106.55, 29.55],
    sensorChanges: changes,
  };
}

describe('LiveCity', () => {
  it('turns a tick into new position buffers (offsets from the origin) and bumps versions, without touching others', () => {
    const live = new LiveCity(origin, 2, 1, sensors);
    const before = live.vehicles;
    live.applyTick(tick(1, 0, 106.6));
    expect(live.vehicles.version).toBe(before.version + 1);
    expect(live.vehicles.positions).not.toBe(before.positions);
    expect(Array.from(live.vehicles.positions).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0.1, 0.1, 0.2, 0.2]);
    expect(Array.from(live.crews.positions).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0.05, 0.05]);
    expect(live.sensorVersion).toBe(0);
  });

  it('ignores a tick older than one applied, and one whose arrays do not fit the registers', () => {
    const live = new LiveCity(origin, 2, 1, sensors);
    live.applyTick(tick(5, 0, 106.6));
    const applied = live.vehicles;
    live.applyTick(tick(4, 1000, 106.9));
    expect(live.vehicles).toBe(applied);
    live.applyTick({ ...tick(6, 2000, 106.9), vehiclePositions: [1, 2] });
    expect(live.vehicles).toBe(applied);
  });

  it('samples trails every step, keeps the last TRAIL_SAMPLES oldest first, one path per vehicle', () => {
    const live = new LiveCity(origin, 2, 1, sensors);
    for (let step = 0; step < TRAIL_SAMPLES + 3; step++) {
      // Two ticks per step: only the first of each step is sampled.
      live.applyTick(tick(step * 2 + 1, step * TRAIL_STEP_MS, 106.5 + step * 0.001));
      live.applyTick(tick(step * 2 + 2, step * TRAIL_STEP_MS + 1000, 106.5 + step * 0.001 + 0.0005));
    }
    const { trails } = live;
    expect(trails.count).toBe(2);
    expect(Array.from(trails.startIndices)).toEqual([0, TRAIL_SAMPLES, 2 * TRAIL_SAMPLES]);
    const firstLng = trails.positions[0] as number;
    const lastLng = trails.positions[(TRAIL_SAMPLES - 1) * 2] as number;
    expect(firstLng).toBeCloseTo(0.003, 5);
    expect(lastLng).toBeCloseTo((TRAIL_SAMPLES + 2) * 0.001, 5);
  });

  it('follows sensor states from a snapshot and from tick changes, and lists those in alarm', () => {
    const live = new LiveCity(origin, 2, 1, sensors);
    expect(live.sensorValue(0)).toBeNull();
    live.applySensorReadings([{ id: 'SN000002', state: 'alarm', value: 9 }, { id: 'SN999999', state: 'alarm', value: 1 }]);
    expect(live.sensorState(1)).toBe('alarm');
    expect(live.alarmSensorIndexes()).toEqual([1]);
    live.applyTick(tick(1, 0, 106.6, [{ id: 'SN000002', state: 'warning', value: 5 }, { id: 'SN000001', state: 'alarm', value: 7 }]));
    expect(live.alarmSensorIndexes()).toEqual([0]);
    expect(live.sensorValue(1)).toBe(5);
    expect(live.sensorVersion).toBe(2);
  });
});
