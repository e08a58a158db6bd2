import { describe, expect, it } from 'vitest';
import type { FeedWorld } from '../feed/feed-world.js';
import { CityRegistry, DRILL_INCIDENT_LIFETIME_MS, OPERATOR_INCIDENT_LIFETIME_MS } from './city-registry.js';

const world: FeedWorld = {
  synthetic: true,
  crews: [
    { id: 'CR0001', name: '渝中区排水抢险队', speciality: 'drainage', specialityLabel: { zh: '排水', en: 'Drainage' }, leader: '王强', phone: '10000000001', sipExtension: '6001', districtAdcode: '500103', base: [106.57, 29.55], onDuty: true },
    { id: 'CR0002', name: '江北区燃气抢修队', speciality: 'gas', specialityLabel: { zh: '燃气', en: 'Gas' }, leader: '李娜', phone: '10000000002', sipExtension: '6002', districtAdcode: '500105', base: [106.58, 29.6], onDuty: false },
    { id: 'CR0003', name: '渝中区市政维修班', speciality: 'municipal', specialityLabel: { zh: '市政', en: 'Municipal' }, leader: '张伟', phone: '10000000003', sipExtension: '6003', districtAdcode: '500103', base: [106.6, 29.55], onDuty: true },
  ],
  sensors: [
    { id: 'SN000001', kind: 'septic-methane', incidentType: 'septic-methane', title: '化粪池 1 甲烷告警', drillTitle: '【演练】化粪池 1 甲烷告警', position: [106.571, 29.551], districtAdcode: '500103', riskGrade: 'red', normal: 0.2, warning: 1, alarm: 1.25, compare: 'above' },
    { id: 'SN000002', kind: 'bridge-strain', incidentType: 'bridge-strain', title: '大桥应变告警', drillTitle: '【演练】大桥应变告警', position: [106.59, 29.56], districtAdcode: '500103', riskGrade: 'orange', normal: 0, warning: 80, alarm: 100, compare: 'absolute' },
  ],
  vehicles: [{ id: 'VH000001', depot: [106.55, 29.56], districtAdcode: '500103' }],
};

const at = '2026-12-06T08:00:00.000Z';
const device = { source: 'test-platform', simulated: false };
const simulator = { source: 'simulator', simulated: true };

describe('CityRegistry', () => {
  it("judges readings against each sensor's thresholds and raises one incident per alarm at the next flush", () => {
    const registry = new CityRegistry(world);
    expect(registry.apply({ kind: 'sensorReading', deviceId: 'SN000001', payload: { value: 1.1, at } }, device)).toBe('applied');
    // A strain gauge alarms on the magnitude of its reading.
    registry.apply({ kind: 'sensorReading', deviceId: 'SN000002', payload: { value: -120, at } }, device);
    const flush = registry.flush(new Date(at));
    expect(flush.tick.sensorChanges).toEqual([
      { id: 'SN000001', state: 'warning', value: 1.1 },
      { id: 'SN000002', state: 'alarm', value: -120 },
    ]);
    expect(flush.changedIncidents).toHaveLength(1);
    // A real device's alarm raises a real incident, left to people; only the simulator's raise simulated ones.
    expect(flush.changedIncidents[0]).toMatchObject({ sensorId: 'SN000002', state: 'reported', severity: 'severe', source: 'sensor', synthetic: false });
    registry.apply({ kind: 'sensorReading', deviceId: 'SN000002', payload: { value: 130, at } }, device);
    expect(registry.flush(new Date(at)).changedIncidents).toEqual([]);
    expect(registry.summary(at)).toMatchObject({ sensors: { normal: 0, warning: 1, alarm: 1 }, alarmsByGrade: { orange: 1 }, openIncidents: 1 });
  });

  it("takes a device's own alarm and its clearing, whatever its last reading said", () => {
    const registry = new CityRegistry(world);
    registry.apply({ kind: 'alarm', deviceId: 'SN000001', payload: { level: 'alarm', at } }, device);
    expect(registry.flush(new Date(at)).changedIncidents.map((incident) => incident.sensorId)).toEqual(['SN000001']);
    registry.apply({ kind: 'alarm', deviceId: 'SN000001', payload: { level: 'cleared', at, value: 0.3 } }, device);
    expect(registry.flush(new Date(at)).tick.sensorChanges).toEqual([{ id: 'SN000001', state: 'normal', value: 0.3 }]);
  });

  it("marks an incident simulated only when the reading that raised it was the simulator's", () => {
    const registry = new CityRegistry(world);
    registry.apply({ kind: 'sensorReading', deviceId: 'SN000001', payload: { value: 2, at } }, simulator);
    expect(registry.flush(new Date(at)).changedIncidents[0]).toMatchObject({ sensorId: 'SN000001', synthetic: true });
  });

  it('supersedes what a device measured before what it already sent, and takes the same time again', () => {
    const registry = new CityRegistry(world);
    const later = '2026-12-06T08:00:05.000Z';
    expect(registry.apply({ kind: 'vehiclePosition', deviceId: 'VH000001', payload: { position: [106.561, 29.571], at: later } }, device)).toBe('applied');
    expect(registry.apply({ kind: 'vehiclePosition', deviceId: 'VH000001', payload: { position: [106.5, 29.5], at } }, device)).toBe('superseded');
    expect(registry.apply({ kind: 'vehiclePosition', deviceId: 'VH000001', payload: { position: [106.562, 29.572], at: later } }, device)).toBe('applied');
    expect(registry.flush(new Date(later)).tick.vehiclePositions).toEqual([106.562, 29.572]);
    // A reading and an alarm of one sensor are one device's measurements.
    registry.apply({ kind: 'alarm', deviceId: 'SN000001', payload: { level: 'alarm', at: later } }, device);
    expect(registry.apply({ kind: 'sensorReading', deviceId: 'SN000001', payload: { value: 0.2, at } }, device)).toBe('superseded');
    expect(registry.apply({ kind: 'crewStatus', deviceId: 'CR0001', payload: { status: 'busy', position: null, at: later } }, device)).toBe('applied');
    expect(registry.apply({ kind: 'crewStatus', deviceId: 'CR0001', payload: { status: 'available', position: null, at } }, device)).toBe('superseded');
    expect(registry.crews()[0]?.status).toBe('busy');
    // A terminal whose clock is behind the backend's still takes its crew over from the simulator.
    registry.apply({ kind: 'crewStatus', deviceId: 'CR0003', payload: { status: 'available', position: [106.6, 29.55], at: later } }, simulator);
    expect(registry.apply({ kind: 'crewStatus', deviceId: 'CR0003', payload: { status: 'busy', position: null, at } }, device)).toBe('applied');
    expect(registry.crewReportsForItself('CR0003')).toBe(true);
  });

  it('says which devices it does not know', () => {
    const registry = new CityRegistry(world);
    expect(registry.apply({ kind: 'sensorReading', deviceId: 'SN999999', payload: { value: 1, at } }, device)).toBe('unknown-device');
    expect(registry.apply({ kind: 'vehiclePosition', deviceId: 'VH999999', payload: { position: [106.5, 29.5], at } }, device)).toBe('unknown-device');
    expect(registry.apply({ kind: 'crewStatus', deviceId: 'CR9999', payload: { status: 'available', position: null, at } }, device)).toBe('unknown-device');
    expect(registry.apply({ kind: 'alarm', deviceId: 'SN999999', payload: { level: 'alarm', at } }, device)).toBe('unknown-device');
    expect(() => registry.reportCrew('CR9999', { status: 'available', position: null }, new Date(at))).toThrow(/No crew CR9999/);
  });

  it('moves vehicles and crews in register order on the tick', () => {
    const registry = new CityRegistry(world);
    registry.apply({ kind: 'vehiclePosition', deviceId: 'VH000001', payload: { position: [106.561, 29.571], at } }, device);
    registry.apply({ kind: 'crewStatus', deviceId: 'CR0003', payload: { status: 'available', position: [106.61, 29.56], at } }, device);
    const { tick } = registry.flush(new Date(at));
    expect(tick.vehiclePositions).toEqual([106.561, 29.571]);
    expect(tick.crewPositions).toEqual([106.57, 29.55, 106.58, 29.6, 106.61, 29.56]);
  });

  it('keeps one incident for a report another system sends twice, marked with its source and number', () => {
    const registry = new CityRegistry(world);
    const report = {
      kind: 'incidentReport' as const,
      deviceId: null,
      payload: { sourceSystem: 'hotline-12319' as const, externalId: '12319-0042', type: 'road-collapse', title: '路面塌陷', severity: 'severe' as const, position: [106.57, 29.55] as [number, number], districtAdcode: '500103', riskGrade: null, at },
    };
    expect(registry.apply(report, device)).toBe('applied');
    expect(registry.apply(report, device)).toBe('applied');
    const incidents = registry.flush(new Date(at)).changedIncidents;
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ source: 'hotline-12319', externalId: '12319-0042', state: 'registered', synthetic: false, reportedAt: at });
    // Sent in Beijing time from a backlog a day old: stamped in UTC, and last changed when it arrived, not closed as stale.
    const late = { ...report, payload: { ...report.payload, externalId: '12319-0043', at: '2026-12-05T16:30:00+08:00' } };
    registry.apply(late, device);
    const arrived = registry.flush(new Date('2026-12-06T08:00:01.000Z')).changedIncidents[0];
    expect(arrived).toMatchObject({ reportedAt: '2026-12-05T08:30:00.000Z', updatedAt: at });
    expect(registry.flush(new Date('2026-12-06T09:00:00.000Z')).changedIncidents).toEqual([]);
    // Its number is kept across a restart, so the same report after one is still the same incident.
    const restarted = new CityRegistry(world, registry.incidentList());
    restarted.apply(report, device);
    expect(restarted.flush(new Date(at)).changedIncidents).toEqual([]);
  });

  it('makes no second incident for a report sent again after its incident was closed and pruned, within the day it may be sent', () => {
    const registry = new CityRegistry(world);
    const start = Date.parse(at);
    const report = {
      kind: 'incidentReport' as const,
      deviceId: null,
      payload: { sourceSystem: 'citizen-app' as const, externalId: 'APP-7', type: 'manhole-cover', title: '井盖缺失', severity: 'major' as const, position: [106.57, 29.55] as [number, number], districtAdcode: '500103', riskGrade: null, at },
    };
    registry.apply(report, device);
    const first = registry.flush(new Date(start)).changedIncidents[0] as { id: string };
    registry.advanceIncident(first.id, 'closed', new Date(start + 1000));
    // Enough newer closed incidents that the first leaves the live list.
    for (let index = 0; index < 205; index += 1) {
      const other = registry.registerIncident({ type: 'road-collapse', title: '路面塌陷', severity: 'minor', position: [106.57, 29.55], districtAdcode: '500103', riskGrade: null }, new Date(start + 2000 + index));
      registry.advanceIncident(other.id, 'closed', new Date(start + 2000 + index));
    }
    registry.flush(new Date(start + 10_000));
    expect(registry.incidentList().some((incident) => incident.id === first.id)).toBe(false);
    registry.apply(report, device);
    expect(registry.flush(new Date(start + 11_000)).changedIncidents).toEqual([]);
    expect(registry.retainedEntries().externalIds).toBe(1);
    // Past the day in which ingestion would take it again, its number is forgotten.
    registry.registerIncident({ type: 'road-collapse', title: '路面塌陷', severity: 'minor', position: [106.57, 29.55], districtAdcode: '500103', riskGrade: null }, new Date(start + 26 * 3_600_000));
    registry.flush(new Date(start + 26 * 3_600_000));
    expect(registry.retainedEntries().externalIds).toBe(0);
  });

  it('lets a crew terminal, not the simulator, say what its crew is doing', () => {
    const registry = new CityRegistry(world);
    expect(registry.crews()[0]).toMatchObject({ status: 'available', synthetic: true });
    registry.apply({ kind: 'crewStatus', deviceId: 'CR0001', payload: { status: 'available', position: [106.5701, 29.5501], at } }, simulator);
    expect(registry.crewReportsForItself('CR0001')).toBe(false);
    registry.reportCrew('CR0001', { status: 'busy', position: [106.58, 29.57] }, new Date(at));
    expect(registry.crewReportsForItself('CR0001')).toBe(true);
    registry.apply({ kind: 'crewStatus', deviceId: 'CR0001', payload: { status: 'available', position: [106.5, 29.5], at } }, simulator);
    expect(registry.crews()[0]).toMatchObject({ status: 'busy', position: [106.58, 29.57], positionAt: at, synthetic: false });
    // An off-duty crew has no position on the map and is not counted.
    registry.reportCrew('CR0001', { status: 'off-duty', position: null }, new Date(at));
    expect(registry.crews()[0]).toMatchObject({ status: 'off-duty', position: null });
    expect(registry.summary(at).crewsOnDuty).toBe(1);
  });

  it('keeps a dispatched crew busy while its terminal only says free, and frees it once the terminal took the job and is done', () => {
    const registry = new CityRegistry(world);
    const incident = registry.registerIncident({ type: 'road-collapse', title: '路面塌陷', severity: 'severe', position: [106.599, 29.551], districtAdcode: '500103', riskGrade: null }, new Date(at));
    registry.advanceIncident(incident.id, 'dispatched', new Date(at));
    const report = (status: 'available' | 'busy') => registry.apply({ kind: 'crewStatus', deviceId: 'CR0003', payload: { status, position: [106.6, 29.55], at } }, device);
    report('available');
    expect(registry.crews()[2]?.status).toBe('busy');
    report('busy');
    report('available');
    expect(registry.crews()[2]?.status).toBe('available');
  });

  it('sends the nearest free crew on duty to a dispatched incident and frees it when the incident closes', () => {
    const registry = new CityRegistry(world);
    const incident = registry.registerIncident({ type: 'road-collapse', title: '路面塌陷', severity: 'severe', position: [106.599, 29.551], districtAdcode: '500103', riskGrade: null }, new Date(at));
    expect(registry.nearestOnDutyCrews(incident.position, 1).map((choice) => choice.crew.id)).toEqual(['CR0003']);
    registry.advanceIncident(incident.id, 'dispatched', new Date(at));
    expect(registry.crews()[2]?.status).toBe('busy');
    // The next nearest on duty is CR0001; CR0002 is off duty.
    expect(registry.nearestOnDutyCrews(incident.position, 2).map((choice) => choice.crew.id)).toEqual(['CR0001']);
    registry.advanceIncident(incident.id, 'closed', new Date(at));
    expect(registry.crews()[2]?.status).toBe('available');
    expect(() => registry.advanceIncident('INC-none', 'closed', new Date(at))).toThrow(/no incident INC-none/);
  });

  it('closes a drill incident 4 hours and an operator-registered one a day after their last change', () => {
    const feed = new CityRegistry(world);
    const start = Date.parse('2026-11-27T00:00:00Z');
    const registered = feed.registerIncident({ type: 'road-collapse', title: '路面塌陷', severity: 'severe', position: [106.57, 29.55], districtAdcode: '500103', riskGrade: null }, new Date(start));
    const drill = feed.injectDrillIncident({ drillId: 'DRILL-1', sensorKind: 'septic-methane', key: 'drill-1/step-1' }, new Date(start));
    const stateAt = (id: string) => feed.incidentList().find((incident) => incident.id === id)?.state;
    feed.flush(new Date(start + DRILL_INCIDENT_LIFETIME_MS - 1000));
    expect([stateAt(drill.id), stateAt(registered.id)]).toEqual(['reported', 'registered']);
    feed.flush(new Date(start + DRILL_INCIDENT_LIFETIME_MS));
    expect([stateAt(drill.id), stateAt(registered.id)]).toEqual(['closed', 'registered']);
    feed.flush(new Date(start + OPERATOR_INCIDENT_LIFETIME_MS - 1000));
    expect(stateAt(registered.id)).toBe('registered');
    const closing = feed.flush(new Date(start + OPERATOR_INCIDENT_LIFETIME_MS));
    expect(closing.incidents?.find((incident) => incident.id === registered.id)).toMatchObject({ state: 'closed', updatedAt: new Date(start + OPERATOR_INCIDENT_LIFETIME_MS).toISOString() });
  });

});
