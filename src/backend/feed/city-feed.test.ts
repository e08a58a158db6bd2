import { describe, expect, it } from 'vitest';
import { CityFeed, SENSOR_HISTORY_SAMPLES } from './city-feed.js';
import type { FeedWorld } from './feed-world.js';

const world: FeedWorld = {
  synthetic: true,
  crews: [
    { id: 'CR0001', name: '渝中区排水抢险队', speciality: 'drainage', specialityLabel: { zh: '排水', en: 'Drainage' }, leader: '王强', phone: '10000000001', sipExtension: '6001', districtAdcode: '500103', base: [106.57, 29.55], onDuty: true },
    { id: 'CR0002', name: '江北区燃气抢修队', speciality: 'gas', specialityLabel: { zh: '燃气', en: 'Gas' }, leader: '李娜', phone: '10000000002', sipExtension: '6002', districtAdcode: '500105', base: [106.58, 29.6], onDuty: false },
  ],
  sensors: Array.from({ length: 40 }, (_, index) => ({
    id: `SN${String(index).padStart(6, '0')}`,
    kind: 'septic-methane',
    incidentType: 'septic-methane',
    title: `化粪池 ${index} 甲烷告警`,
    position: [106.57 + (index % 8) * 0.002, 29.55 + Math.floor(index / 8) * 0.002] as [number, number],
    districtAdcode: '500103',
    riskGrade: index % 2 === 0 ? ('red' as const) : ('yellow' as const),
    normal: 0.2,
    warning: 1,
    alarm: 1.25,
    compare: 'above' as const,
  })),
  vehicles: [{ id: 'VH000001', depot: [106.55, 29.56], districtAdcode: '500103' }],
};

function run(seed: number, ticks: number) {
  const feed = new CityFeed(world, seed);
  const start = Date.parse('2026-11-27T00:00:00Z');
  const steps = Array.from({ length: ticks }, (_, tick) => feed.step(new Date(start + tick * 1000)));
  return { feed, steps };
}

describe('CityFeed', () => {
  it('replays exactly from the same seed', () => {
    expect(run(7, 300).steps).toEqual(run(7, 300).steps);
    expect(run(7, 300).steps).not.toEqual(run(8, 300).steps);
  });

  it('raises alarms in clusters, opens incidents for them and moves them through the case cycle to closed', () => {
    const { feed, steps } = run(3, 1200);
    const alarmsPerTick = steps.map((step) => step.summary.sensors.alarm);
    expect(Math.max(...alarmsPerTick)).toBeGreaterThan(1);
    const incidents = feed.incidentList();
    expect(incidents.length).toBeGreaterThan(0);
    expect(incidents.some((incident) => incident.state === 'closed')).toBe(true);
    const first = incidents.at(-1);
    expect(first).toMatchObject({ type: 'septic-methane', synthetic: true, districtAdcode: '500103' });
    expect(['critical', 'major']).toContain(first?.severity);
  });

  it('keeps the last readings of every sensor, oldest first, and lists the sensors not in their normal state', () => {
    const { feed, steps } = run(3, SENSOR_HISTORY_SAMPLES + 25);
    const history = feed.sensorHistory('SN000000');
    expect(history.samples).toHaveLength(SENSOR_HISTORY_SAMPLES);
    expect(history.samples[0]?.at).toBe(steps[25]?.tick.at);
    expect(history.samples.at(-1)?.at).toBe(steps.at(-1)?.tick.at);
    const abnormal = feed.abnormalSensors();
    expect(abnormal.length).toBe((steps.at(-1)?.summary.sensors.alarm ?? 0) + (steps.at(-1)?.summary.sensors.warning ?? 0));
    // The latest change of each abnormal sensor in the ticks agrees with the snapshot a late window gets.
    for (const reading of abnormal) {
      const last = steps.flatMap((step) => step.tick.sensorChanges).filter((change) => change.id === reading.id).at(-1);
      expect(last?.state).toBe(reading.state);
    }
    expect(() => feed.sensorHistory('SN999999')).toThrow(/no sensor SN999999/);
  });

  it('keeps a young history in order before its ring fills', () => {
    const { feed, steps } = run(3, 5);
    expect(feed.sensorHistory('SN000001').samples.map((sample) => sample.at)).toEqual(steps.map((step) => step.tick.at));
  });

  it('keeps every vehicle within its round around the depot', () => {
    const { steps } = run(5, 2000);
    for (const step of steps) {
      const [lng = 0, lat = 0] = step.tick.vehiclePositions;
      const metres = Math.hypot((lng - 106.55) * 111_320 * Math.cos((lat * Math.PI) / 180), (lat - 29.56) * 111_320);
      expect(metres).toBeLessThan(3100);
    }
  });

  it('reports off-duty crews without a position and counts only crews on duty', () => {
    const { feed, steps } = run(1, 5);
    expect(steps.at(-1)?.summary.crewsOnDuty).toBe(1);
    const [onDuty, offDuty] = feed.crews();
    expect(onDuty?.status).not.toBe('off-duty');
    expect(onDuty?.position).not.toBeNull();
    expect(offDuty).toMatchObject({ status: 'off-duty', position: null, positionAt: null });
  });

  it('resumes numbering after restored incidents, so ids never repeat across a restart', () => {
    const first = run(3, 1200).feed.incidentList();
    const restored = new CityFeed(world, 3, first);
    const later = Array.from({ length: 1200 }, (_, tick) => restored.step(new Date(Date.parse('2026-11-28T00:00:00Z') + tick * 1000)));
    const ids = new Set(restored.incidentList().map((incident) => incident.id.split('-').at(-1)));
    expect(later.some((step) => step.incidents !== null)).toBe(true);
    expect(ids.size).toBe(restored.incidentList().length);
  });
});
