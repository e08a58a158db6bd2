import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { testStores } from '../../../test/helpers/test-stores.js';
import { CLOSED_INCIDENT_RETENTION_DAYS, IncidentRepository } from '../db/incident-repository.js';
import type { FeedWorld } from '../feed/feed-world.js';
import { ManualClock } from '../../../test/helpers/manual-clock.js';
import { Ingestion } from '../ingest/index.js';
import { CityRegistry, SENSOR_HISTORY_SAMPLES } from '../registry/index.js';
import { CitySimulator } from './city-simulator.js';
import { SimulatedCaseWork } from './simulated-case-work.js';

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
    drillTitle: `【演练】化粪池 ${index} 甲烷告警`,
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

/**
 * The embedded default's loop: the simulator's devices publish through ingestion, its crews work their incidents, the
 * registry flushes. Every message the simulator sends must pass ingestion's checks, as a device's must.
 */
function demoCity(seed: number, registry = new CityRegistry(world)) {
  const simulator = new CitySimulator(world, seed, (crewId) => registry.crewReportsForItself(crewId));
  const caseWork = new SimulatedCaseWork(registry);
  const clock = new ManualClock('2026-11-26T00:00:00Z');
  const ingestion = new Ingestion({ target: registry, clock, logger: recordingLogger() });
  const step = (now: Date) => {
    clock.advance((now.getTime() - clock.now().getTime()) / 1000);
    for (const { topic, payload } of simulator.step(now)) {
      const outcome = ingestion.receiveSimulated(topic, payload);
      if (!outcome.accepted) throw new Error(`ingestion refused the simulator's ${topic}: ${outcome.reason} (${outcome.detail})`);
    }
    caseWork.step(now);
    return registry.flush(now);
  };
  return { registry, simulator, step };
}

function run(seed: number, ticks: number) {
  const city = demoCity(seed);
  const start = Date.parse('2026-11-27T00:00:00Z');
  const steps = Array.from({ length: ticks }, (_, tick) => city.step(new Date(start + tick * 1000)));
  return { feed: city.registry, steps };
}

describe('the demo city: simulator, simulated crews and registry', () => {
  const stores = testStores('sqlite');

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
    const { registry: restored, step } = demoCity(3, new CityRegistry(world, first));
    const later = Array.from({ length: 1200 }, (_, tick) => step(new Date(Date.parse('2026-11-28T00:00:00Z') + tick * 1000)));
    const ids = new Set(restored.incidentList().map((incident) => incident.id.split('-').at(-1)));
    expect(later.some((step) => step.incidents !== null)).toBe(true);
    expect(ids.size).toBe(restored.incidentList().length);
  });

  it('stays bounded over a simulated day of use, in memory and in the database (closed incidents leave it after their retention)', async () => {
    const store = await stores.fresh();
    const repository = new IncidentRepository(store, recordingLogger());
    const { registry: feed, simulator, step: stepCity } = demoCity(11);
    const start = Date.parse('2026-11-27T00:00:00Z');
    const day = 86_400;
    const rows = async () => Number((await store.db.selectFrom('incidents').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    let peak = { incidents: 0, drillKeys: 0 };
    // One tick each 10 s (the embedded backend ticks each second; alarms, incidents and their stages are the same).
    for (let second = 0; second < day; second += 10) {
      const now = new Date(start + second * 1000);
      // An operator registers an incident every 10 minutes, a drill stages one every 15 (each with its own key).
      if (second % 600 === 0) await repository.save([feed.registerIncident({ type: 'road-collapse', title: '路面塌陷', severity: 'major', position: [106.57, 29.55], districtAdcode: '500103', riskGrade: null }, now)]);
      if (second % 900 === 0) await repository.save([feed.injectDrillIncident({ drillId: 'DRILL-day', sensorKind: 'septic-methane', key: `drill-day/${second}` }, now)]);
      const step = stepCity(now);
      await repository.save(step.changedIncidents);
      const retained = feed.retainedEntries();
      peak = { incidents: Math.max(peak.incidents, retained.incidents), drillKeys: Math.max(peak.drillKeys, retained.drillKeys) };
    }
    const retained = feed.retainedEntries();
    // 200 closed kept, plus what is open: the day's last 24 hours of operator incidents, 4 hours of drills, live alarms.
    expect(peak.incidents).toBeLessThan(200 + 144 + 16 + world.sensors.length + 10);
    expect(retained.drillKeys).toBeLessThanOrEqual(retained.incidents);
    expect(peak.drillKeys).toBeLessThan(200 + 16 + 10);
    expect(retained.openIncidentsBySensor).toBeLessThanOrEqual(world.sensors.length);
    expect(retained.crewAssignments).toBeLessThanOrEqual(world.crews.length);
    expect(simulator.episodeCount()).toBeLessThan(20);
    expect(repository.writeHealth()).toEqual({ ok: true, pending: 0, failingSince: null, lastError: null });
    const dayRows = await rows();
    expect(dayRows).toBeGreaterThan(300);
    // Nothing is deleted within the retention; past it, only what is still open stays.
    const end = new Date(start + day * 1000);
    expect(await repository.pruneClosed(end)).toBe(0);
    const open = feed.incidentList().filter((incident) => incident.state !== 'closed').length;
    expect(await repository.pruneClosed(new Date(end.getTime() + (CLOSED_INCIDENT_RETENTION_DAYS + 1) * 86_400_000))).toBe(dayRows - open);
    expect(await rows()).toBe(open);
  }, 60_000);
});
