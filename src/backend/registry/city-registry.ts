import type {
  DrillInjection,
  FeedSummary,
  FeedTick,
  Incident,
  IncidentReport,
  RiskGrade,
  SensorHistory,
  SensorReading,
  SensorState,
} from '../../shared/domain/feed.js';
import type { Crew, CrewReport, CrewStatus } from '../../shared/domain/directory.js';
import { nearestCrews, type NearestCrews } from '../../shared/dispatch/nearest-crews.js';
import type { LngLat } from '../../shared/domain/geo.js';
import type { FeedWorld, SensorSeed } from '../feed/feed-world.js';
import type { AcceptedMessage, IngestOrigin, IngestOutcomeAtTarget, IngestTarget } from './ingest-target.js';

const KEPT_CLOSED_INCIDENTS = 200;
/**
 * Incidents nobody moves on close by themselves this long after their last change: a drill's after its drill is surely
 * over, any other after a day (until the case loop gives every incident an owner, nothing else would close them). A
 * plan run on a console is not ended by its incident closing.
 */
export const DRILL_INCIDENT_LIFETIME_MS = 4 * 3_600_000;
export const OPERATOR_INCIDENT_LIFETIME_MS = 24 * 3_600_000;
/** Readings kept per sensor for the detail chart: one per flush, so five minutes at the embedded backend's 1 s tick. */
export const SENSOR_HISTORY_SAMPLES = 300;
/**
 * How long after it was reported another system may send the same report again and have it taken: ingestion's window
 * for old messages (24 h), with a margin for clocks.
 */
const REPORT_REPLAY_MS = 25 * 3_600_000;

/** What one flush of the registry hands the consoles. */
export interface RegistryFlush {
  tick: FeedTick;
  summary: FeedSummary;
  /** The whole live list when incidents were created or moved on since the last flush, else null. */
  incidents: Incident[] | null;
  /** The incidents created or moved on since the last flush (what is written to the database), oldest first. */
  changedIncidents: Incident[];
}

interface RankedCrew {
  id: string;
  index: number;
  status: CrewStatus;
  position: LngLat;
}

interface CrewRecord {
  status: CrewStatus;
  positionAt: string | null;
  /** Whether the last report came from the demo's simulator rather than a crew terminal. */
  simulated: boolean;
}

/**
 * The city's live state and the only system of record for it: sensors (latest reading, thresholds, state, recent
 * history), vehicles, crews (status, position, duty, assignment) and incidents. Devices, the city's systems and the demo
 * simulator change it only through ingestion (`apply`); operators through the backend's methods. Consoles see it as
 * one flush per tick: positions in register order, the sensors whose state changed and the incidents that moved.
 */
export class CityRegistry implements IngestTarget {
  private readonly values: Float64Array;
  private readonly states: SensorState[];
  /** Whether each sensor's latest reading came from the demo's simulator: what its alarm raises is then simulated too. */
  private readonly simulatedReadings: boolean[];
  /** Ring of the last SENSOR_HISTORY_SAMPLES flushed readings of every sensor (Float32: 6 MB for 5,000 sensors). */
  private readonly history: Float32Array;
  private readonly historyAt: number[] = [];
  private historyHead = 0;
  private readonly sensorIndexById: Map<string, number>;
  private readonly vehicleIndexById: Map<string, number>;
  private readonly crewIndexById: Map<string, number>;
  private readonly vehiclePositions: Float64Array;
  private readonly crewPositions: Float64Array;
  /**
   * When each device last measured what was applied (ms): a message measured before it (a retry, a redelivery, a
   * platform's queue replayed out of order) would set the city back, and is superseded instead.
   */
  private readonly sensorMeasuredAt: Float64Array;
  private readonly vehicleMeasuredAt: Float64Array;
  private readonly crewMeasuredAt: Float64Array;
  private readonly crewRecords = new Map<number, CrewRecord>();
  /** Sensors whose state changed since the last flush, with the reading that changed it. */
  private readonly pendingSensorChanges = new Map<number, SensorReading>();
  private readonly incidents = new Map<string, Incident>();
  private readonly changedIncidentIds = new Set<string>();
  private readonly openIncidentBySensor = new Map<number, string>();
  /** `<system>:<its number>` -> the incident it reported, so a report sent twice stays one incident. */
  private readonly incidentByExternalId = new Map<string, { incidentId: string; reportedAtMs: number }>();
  /** Crew index -> the incident it is working on. */
  private readonly crewAssignments = new Map<number, string>();
  /** Drill injection key -> the incident it staged. */
  private readonly stagedByKey = new Map<string, string>();
  private lastFlushAt: string | null = null;
  private seq = 0;
  private incidentSeq = 0;

  constructor(
    private readonly world: FeedWorld,
    restoredIncidents: readonly Incident[] = [],
  ) {
    this.values = Float64Array.from(world.sensors, (sensor) => sensor.normal);
    this.states = world.sensors.map(() => 'normal');
    this.simulatedReadings = world.sensors.map(() => world.synthetic);
    this.history = new Float32Array(world.sensors.length * SENSOR_HISTORY_SAMPLES);
    this.sensorIndexById = new Map(world.sensors.map((sensor, index) => [sensor.id, index]));
    this.vehicleIndexById = new Map(world.vehicles.map((vehicle, index) => [vehicle.id, index]));
    this.crewIndexById = new Map(world.crews.map((crew, index) => [crew.id, index]));
    this.vehiclePositions = new Float64Array(world.vehicles.length * 2);
    world.vehicles.forEach((vehicle, index) => this.setPosition(this.vehiclePositions, index, vehicle.depot));
    this.crewPositions = new Float64Array(world.crews.length * 2);
    world.crews.forEach((crew, index) => this.setPosition(this.crewPositions, index, crew.base));
    this.sensorMeasuredAt = new Float64Array(world.sensors.length).fill(-Infinity);
    this.vehicleMeasuredAt = new Float64Array(world.vehicles.length).fill(-Infinity);
    this.crewMeasuredAt = new Float64Array(world.crews.length).fill(-Infinity);
    for (const incident of restoredIncidents) {
      this.incidents.set(incident.id, incident);
      const index = incident.sensorId === null ? undefined : this.sensorIndexById.get(incident.sensorId);
      if (incident.state !== 'closed' && index !== undefined) this.openIncidentBySensor.set(index, incident.id);
      if (incident.externalId !== null) this.incidentByExternalId.set(`${incident.source}:${incident.externalId}`, { incidentId: incident.id, reportedAtMs: Date.parse(incident.reportedAt) });
      this.incidentSeq = Math.max(this.incidentSeq, Number(incident.id.split('-').at(-1)) || 0);
      if (incident.state === 'dispatched' || incident.state === 'handling') this.assignNearestCrew(incident.id);
    }
  }

  /** Ingestion's way in: one checked message, positions in WGS-84. */
  apply(message: AcceptedMessage, origin: IngestOrigin): IngestOutcomeAtTarget {
    switch (message.kind) {
      case 'sensorReading': {
        const index = this.sensorIndexById.get(message.deviceId);
        if (index === undefined) return 'unknown-device';
        if (!takeIfNewer(this.sensorMeasuredAt, index, message.payload.at)) return 'superseded';
        this.setSensor(index, message.payload.value, this.judge(index, message.payload.value), origin);
        return 'applied';
      }
      case 'alarm': {
        const index = this.sensorIndexById.get(message.deviceId);
        if (index === undefined) return 'unknown-device';
        if (!takeIfNewer(this.sensorMeasuredAt, index, message.payload.at)) return 'superseded';
        const state: SensorState = message.payload.level === 'cleared' ? 'normal' : message.payload.level;
        this.setSensor(index, message.payload.value ?? (this.values[index] as number), state, origin);
        return 'applied';
      }
      case 'vehiclePosition': {
        const index = this.vehicleIndexById.get(message.deviceId);
        if (index === undefined) return 'unknown-device';
        if (!takeIfNewer(this.vehicleMeasuredAt, index, message.payload.at)) return 'superseded';
        this.setPosition(this.vehiclePositions, index, message.payload.position);
        return 'applied';
      }
      case 'crewStatus': {
        const index = this.crewIndexById.get(message.deviceId);
        if (index === undefined) return 'unknown-device';
        const { status, position, at } = message.payload;
        const previous = this.crewRecords.get(index);
        // A real terminal's word is not overwritten by the simulator's.
        if (origin.simulated && previous && !previous.simulated) return 'applied';
        // A terminal's first word after the simulator's is taken whatever its clock says (the simulator's times are the
        // backend's, a terminal's its own); from then on its own reports are kept in order.
        const takesOver = !origin.simulated && (previous === undefined || previous.simulated);
        if (takesOver) this.crewMeasuredAt[index] = Date.parse(at);
        else if (!takeIfNewer(this.crewMeasuredAt, index, at)) return 'superseded';
        this.crewRecords.set(index, { status, positionAt: position === null ? (previous?.positionAt ?? null) : at, simulated: origin.simulated });
        if (position !== null) this.setPosition(this.crewPositions, index, position);
        // A terminal that had said its crew was busy and now says it is free has finished its incident. One that only
        // keeps saying free (it never took the job up) does not undo the centre's dispatch; the simulator's crews are
        // freed when their incident closes.
        if (status !== 'busy' && previous?.status === 'busy' && !origin.simulated) this.crewAssignments.delete(index);
        return 'applied';
      }
      case 'incidentReport': {
        const { sourceSystem, externalId, at, ...report } = message.payload;
        const key = `${sourceSystem}:${externalId}`;
        // Sent again (a retry, a system replaying its queue): the incident it made, even one closed and since pruned.
        if (this.incidentByExternalId.has(key)) return 'applied';
        // Stamped in UTC like every incident (times here compare as text), when the system says it was reported; last
        // changed when it reached the backend (the latest tick), so a report from a backlog is not closed as stale.
        const reportedAt = new Date(at).toISOString();
        const receivedAt = this.lastFlushAt !== null && this.lastFlushAt > reportedAt ? this.lastFlushAt : reportedAt;
        const incident = this.newIncident({ ...report, state: 'registered', sensorId: null, source: sourceSystem, externalId }, reportedAt, null, false, receivedAt);
        this.incidentByExternalId.set(key, { incidentId: incident.id, reportedAtMs: Date.parse(reportedAt) });
        return 'applied';
      }
    }
  }

  /** A crew terminal's report through its console; throws for a crew the directory does not hold. */
  reportCrew(crewId: string, report: CrewReport, now: Date): Crew {
    const outcome = this.apply({ kind: 'crewStatus', deviceId: crewId, payload: { ...report, at: now.toISOString() } }, { source: 'crew-terminal', simulated: false });
    if (outcome === 'unknown-device') throw new Error(`No crew ${crewId} in the directory.`);
    return this.crew(this.crewIndexById.get(crewId) as number);
  }

  /**
   * Hands the consoles what changed: raises an incident for every sensor newly in alarm, closes incidents left for their
   * lifetime, samples every sensor's reading for its chart, and reports positions, state changes and moved incidents.
   */
  flush(now: Date): RegistryFlush {
    this.seq += 1;
    const at = now.toISOString();
    this.recordHistory(now);
    this.raiseAlarmIncidents(at);
    this.closeLapsedIncidents(now);
    this.lastFlushAt = at;
    const changedIncidents = [...this.changedIncidentIds]
      .map((id) => this.incidents.get(id))
      .filter((incident): incident is Incident => incident !== undefined)
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.reportedAt.localeCompare(b.reportedAt));
    this.changedIncidentIds.clear();
    if (changedIncidents.length > 0) this.pruneClosed();
    const sensorChanges = [...this.pendingSensorChanges.values()];
    this.pendingSensorChanges.clear();
    return {
      tick: {
        seq: this.seq,
        at,
        vehiclePositions: roundedArray(this.vehiclePositions),
        crewPositions: roundedArray(this.crewPositions),
        sensorChanges,
      },
      summary: this.summary(at),
      incidents: changedIncidents.length > 0 ? this.incidentList() : null,
      changedIncidents,
    };
  }

  /** Every sensor not in its normal state, with its latest reading. */
  abnormalSensors(): SensorReading[] {
    const readings: SensorReading[] = [];
    this.states.forEach((state, index) => {
      const sensor = this.world.sensors[index];
      if (state !== 'normal' && sensor) readings.push({ id: sensor.id, state, value: round2(this.values[index] ?? 0) });
    });
    return readings;
  }

  /** The sensor's readings since the backend started, at most the last SENSOR_HISTORY_SAMPLES, oldest first. */
  sensorHistory(sensorId: string): SensorHistory {
    const index = this.sensorIndexById.get(sensorId);
    if (index === undefined) throw new Error(`There is no sensor ${sensorId}.`);
    const count = this.historyAt.length;
    const samples: SensorHistory['samples'] = [];
    for (let k = 0; k < count; k++) {
      // Once the ring is full, the oldest sample is the one the next flush overwrites.
      const slot = count < SENSOR_HISTORY_SAMPLES ? k : (this.historyHead + k) % SENSOR_HISTORY_SAMPLES;
      samples.push({
        at: new Date(this.historyAt[slot] as number).toISOString(),
        value: round2(this.history[index * SENSOR_HISTORY_SAMPLES + slot] as number),
      });
    }
    return { sensorId, state: this.states[index] ?? 'normal', samples };
  }

  summary(at: string): FeedSummary {
    const sensors = { normal: 0, warning: 0, alarm: 0 };
    const alarmsByGrade: Record<RiskGrade, number> = { red: 0, orange: 0, yellow: 0, blue: 0 };
    this.states.forEach((state, index) => {
      sensors[state] += 1;
      const grade = this.world.sensors[index]?.riskGrade;
      if (state === 'alarm' && grade) alarmsByGrade[grade] += 1;
    });
    let openIncidents = 0;
    for (const incident of this.incidents.values()) if (incident.state !== 'closed' && incident.drillId === null) openIncidents += 1;
    return {
      at,
      sensors,
      alarmsByGrade,
      openIncidents,
      crewsOnDuty: this.world.crews.filter((_, index) => this.crewOnDuty(index)).length,
      vehiclesActive: this.world.vehicles.length,
    };
  }

  /**
   * A drill incident at the first sensor of the asked kind (and grade), exactly as that sensor's alarm would raise
   * it, tagged with the drill. Deterministic, so a drill script replays the same way.
   */
  injectDrillIncident(injection: DrillInjection, now: Date): Incident {
    const staged = injection.key === undefined ? undefined : this.stagedByKey.get(injection.key);
    const existing = staged === undefined ? undefined : this.incidents.get(staged);
    if (existing) return existing;
    const sensor = this.world.sensors.find(
      (candidate) => candidate.kind === injection.sensorKind && (injection.riskGrade === undefined || candidate.riskGrade === injection.riskGrade),
    );
    if (!sensor) throw new Error(`No sensor of kind "${injection.sensorKind}"${injection.riskGrade ? ` at a ${injection.riskGrade} site` : ''} to stage the drill at.`);
    const incident = this.raiseIncident(sensor, now.toISOString(), injection.drillId, this.world.synthetic);
    if (injection.key !== undefined) this.stagedByKey.set(injection.key, incident.id);
    return incident;
  }

  /** An incident an operator registered (reported by phone or patrol): live, and left to people to work. */
  registerIncident(report: IncidentReport, now: Date): Incident {
    return this.newIncident({ ...report, state: 'registered', sensorId: null, source: 'operator', externalId: null }, now.toISOString(), null);
  }

  /** Moves an incident on in the case cycle; a crew takes it when it is dispatched and is free again when it closes. */
  advanceIncident(id: string, state: Incident['state'], now: Date): Incident {
    const incident = this.incidents.get(id);
    if (!incident) throw new Error(`There is no incident ${id}.`);
    const moved = this.storeIncident({ ...incident, state, updatedAt: now.toISOString() });
    if (state === 'dispatched') this.assignNearestCrew(id);
    if (state === 'closed') this.releaseIncident(id);
    return moved;
  }

  incidentList(): Incident[] {
    return [...this.incidents.values()].sort((a, b) => b.reportedAt.localeCompare(a.reportedAt));
  }

  crews(): Crew[] {
    return this.world.crews.map((_, index) => this.crew(index));
  }

  /** The crews nearest a place, by the one rule (`nearestCrews`) the map panel and plan steps use too. */
  nearestOnDutyCrews(from: LngLat, count: number): NearestCrews<RankedCrew>['chosen'] {
    const candidates = this.world.crews.map(
      (crew, index): RankedCrew => ({
        id: crew.id,
        index,
        status: this.crewStatus(index),
        position: [this.crewPositions[index * 2] ?? 0, this.crewPositions[index * 2 + 1] ?? 0],
      }),
    );
    return nearestCrews(candidates, { from, count }).chosen;
  }

  /** Whether a crew's terminal (not the simulator) has reported: the simulator leaves such crews to their people. */
  crewReportsForItself(crewId: string): boolean {
    const index = this.crewIndexById.get(crewId);
    const record = index === undefined ? undefined : this.crewRecords.get(index);
    return record !== undefined && !record.simulated;
  }

  /** How many entries each of the registry's growing collections holds (the day-long test checks they stay bounded). */
  retainedEntries(): { incidents: number; openIncidentsBySensor: number; crewAssignments: number; drillKeys: number; externalIds: number } {
    return {
      incidents: this.incidents.size,
      openIncidentsBySensor: this.openIncidentBySensor.size,
      crewAssignments: this.crewAssignments.size,
      drillKeys: this.stagedByKey.size,
      externalIds: this.incidentByExternalId.size,
    };
  }

  private crew(index: number): Crew {
    const crew = this.world.crews[index];
    if (!crew) throw new Error(`No crew at ${index}.`);
    const onDuty = this.crewOnDuty(index);
    const record = this.crewRecords.get(index);
    return {
      id: crew.id,
      name: crew.name,
      speciality: crew.speciality,
      specialityLabel: crew.specialityLabel,
      leader: crew.leader,
      phone: crew.phone,
      sipExtension: crew.sipExtension,
      districtAdcode: crew.districtAdcode,
      status: this.crewStatus(index),
      position: onDuty ? [round6(this.crewPositions[index * 2] ?? 0), round6(this.crewPositions[index * 2 + 1] ?? 0)] : null,
      positionAt: onDuty ? (record?.positionAt ?? this.lastFlushAt) : null,
      synthetic: this.world.synthetic && (record === undefined || record.simulated),
    };
  }

  private crewOnDuty(index: number): boolean {
    const record = this.crewRecords.get(index);
    return record ? record.status !== 'off-duty' : (this.world.crews[index]?.onDuty ?? false);
  }

  private crewStatus(index: number): CrewStatus {
    const record = this.crewRecords.get(index);
    if (!this.crewOnDuty(index)) return 'off-duty';
    if (this.crewAssignments.has(index)) return 'busy';
    return record?.status ?? 'available';
  }

  /** The nearest on-duty crew not already on an incident takes a dispatched incident until it closes. */
  private assignNearestCrew(incidentId: string): void {
    const incident = this.incidents.get(incidentId);
    const best = incident ? this.nearestOnDutyCrews(incident.position, 1)[0] : undefined;
    if (best) this.crewAssignments.set(best.crew.index, incidentId);
  }

  private releaseIncident(incidentId: string): void {
    for (const [sensorIndex, id] of this.openIncidentBySensor) if (id === incidentId) this.openIncidentBySensor.delete(sensorIndex);
    for (const [crewIndex, id] of this.crewAssignments) if (id === incidentId) this.crewAssignments.delete(crewIndex);
  }

  private judge(index: number, value: number): SensorState {
    const sensor = this.world.sensors[index] as SensorSeed;
    const reading = sensor.compare === 'absolute' ? Math.abs(value) : value;
    return reading >= sensor.alarm ? 'alarm' : reading >= sensor.warning ? 'warning' : 'normal';
  }

  private setSensor(index: number, value: number, state: SensorState, origin: IngestOrigin): void {
    this.values[index] = value;
    this.simulatedReadings[index] = origin.simulated;
    if (state === this.states[index]) return;
    this.states[index] = state;
    const sensor = this.world.sensors[index] as SensorSeed;
    this.pendingSensorChanges.set(index, { id: sensor.id, state, value: round2(value) });
  }

  private setPosition(positions: Float64Array, index: number, position: LngLat): void {
    positions[index * 2] = position[0];
    positions[index * 2 + 1] = position[1];
  }

  private recordHistory(now: Date): void {
    const slot = this.historyHead;
    for (let index = 0; index < this.states.length; index++) {
      this.history[index * SENSOR_HISTORY_SAMPLES + slot] = this.values[index] as number;
    }
    this.historyAt[slot] = now.getTime();
    this.historyHead = (slot + 1) % SENSOR_HISTORY_SAMPLES;
  }

  private raiseAlarmIncidents(at: string): void {
    this.states.forEach((state, index) => {
      if (state !== 'alarm' || this.openIncidentBySensor.has(index)) return;
      const sensor = this.world.sensors[index];
      if (!sensor) return;
      const incident = this.raiseIncident(sensor, at, null, this.simulatedReadings[index] ?? false);
      this.openIncidentBySensor.set(index, incident.id);
    });
  }

  private closeLapsedIncidents(now: Date): void {
    const at = now.toISOString();
    for (const incident of this.incidents.values()) {
      if (incident.state === 'closed') continue;
      const lifetime = incident.drillId !== null ? DRILL_INCIDENT_LIFETIME_MS : OPERATOR_INCIDENT_LIFETIME_MS;
      if (now.getTime() - Date.parse(incident.updatedAt) < lifetime) continue;
      this.storeIncident({ ...incident, state: 'closed', updatedAt: at });
      this.releaseIncident(incident.id);
    }
  }

  /** The incident a sensor's alarm raises (drill incidents are marked in id and title as well as by their drill id). */
  private raiseIncident(sensor: SensorSeed, at: string, drillId: string | null, simulated: boolean): Incident {
    return this.newIncident(
      {
        type: sensor.incidentType,
        title: drillId ? sensor.drillTitle : sensor.title,
        severity: sensor.riskGrade === 'red' ? 'critical' : sensor.riskGrade === 'orange' ? 'severe' : 'major',
        state: 'reported',
        position: sensor.position,
        districtAdcode: sensor.districtAdcode,
        riskGrade: sensor.riskGrade,
        sensorId: sensor.id,
        source: 'sensor',
        externalId: null,
      },
      at,
      drillId,
      simulated,
    );
  }

  private newIncident(
    fields: Omit<Incident, 'id' | 'reportedAt' | 'updatedAt' | 'synthetic' | 'drillId'>,
    at: string,
    drillId: string | null,
    simulated = false,
    updatedAt = at,
  ): Incident {
    this.incidentSeq += 1;
    return this.storeIncident({
      ...fields,
      id: `${drillId ? 'DRL' : 'INC'}-${at.slice(0, 10).replaceAll('-', '')}-${String(this.incidentSeq).padStart(5, '0')}`,
      reportedAt: at,
      updatedAt,
      // Only what a simulated reading raises is simulated (the demo's crews work it); a real device's alarm, an
      // operator's or another system's report is real and left to people.
      synthetic: simulated,
      drillId,
    });
  }

  private storeIncident(incident: Incident): Incident {
    this.incidents.set(incident.id, incident);
    this.changedIncidentIds.add(incident.id);
    return incident;
  }

  /** Keeps memory flat over weeks of running: only the newest closed incidents stay in the live list. */
  private pruneClosed(): void {
    const closed = [...this.incidents.values()].filter((incident) => incident.state === 'closed');
    closed.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
    for (const incident of closed.slice(0, Math.max(0, closed.length - KEPT_CLOSED_INCIDENTS))) {
      this.incidents.delete(incident.id);
    }
    // A drill key staging an incident no longer kept stages a new one if a drill replays it.
    for (const [key, id] of this.stagedByKey) if (!this.incidents.has(id)) this.stagedByKey.delete(key);
    // A system's number is kept as long as the same report could still be accepted (ingestion refuses it once it is
    // older than REPORT_REPLAY_MS), so a report sent again never makes a second incident.
    const replayable = Date.parse(this.lastFlushAt ?? '') - REPORT_REPLAY_MS;
    for (const [key, { incidentId, reportedAtMs }] of this.incidentByExternalId) {
      if (!this.incidents.has(incidentId) && reportedAtMs < replayable) this.incidentByExternalId.delete(key);
    }
  }
}

/** Records `at` as the device's latest when it is not older than what was applied; false when it is. */
function takeIfNewer(measuredAt: Float64Array, index: number, at: string): boolean {
  const atMs = Date.parse(at);
  if (atMs < (measuredAt[index] as number)) return false;
  measuredAt[index] = atMs;
  return true;
}

function roundedArray(values: Float64Array): number[] {
  return Array.from(values, round6);
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
