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
import { mulberry32 } from '../../shared/city/random.js';
import { nearestCrews } from '../../shared/dispatch/nearest-crews.js';
import type { LngLat } from '../../shared/domain/geo.js';
import type { FeedWorld, SensorSeed } from './feed-world.js';

const METRES_PER_DEGREE = 111_320;
const VEHICLE_SPEED_MPS = 7;
const VEHICLE_RANGE_M = 3000;
/** Chance per tick that a new hazard episode starts somewhere in the city. */
const EPISODE_CHANCE = 0.04;
const EPISODE_TICKS = 90;
/** Sensors within this distance of an episode's centre are drawn toward warning with it (alarms cluster in space). */
const CLUSTER_RADIUS_M = 1500;
/** Seconds an incident spends in each state before the simulated crews move it on. */
const INCIDENT_STAGE_SECONDS = [20, 20, 40, 60, 30] as const;
const KEPT_CLOSED_INCIDENTS = 200;
/**
 * Incidents no simulated crew works close by themselves this long after their last change: a drill's after its drill
 * is surely over, an operator-registered one after a day (the backend takes no state changes for them from consoles
 * yet, so without this they stayed open for ever). A plan run on a console is not ended by its incident closing.
 */
export const DRILL_INCIDENT_LIFETIME_MS = 4 * 3_600_000;
export const OPERATOR_INCIDENT_LIFETIME_MS = 24 * 3_600_000;
/** Readings kept per sensor for the detail chart: one per tick, so five minutes at the embedded backend's 1 s tick. */
export const SENSOR_HISTORY_SAMPLES = 300;
const incidentFlow = ['reported', 'registered', 'dispatched', 'handling', 'verifying', 'closed'] as const;

interface Episode {
  sensorIndex: number;
  ticksLeft: number;
  neighbours: number[];
}

export interface FeedStep {
  tick: FeedTick;
  summary: FeedSummary;
  /** Present when incidents were created or moved on during this step. */
  incidents: Incident[] | null;
  /** The incidents created or moved on during this step (what is written to the database), oldest first. */
  changedIncidents: Incident[];
}

/**
 * The simulated live city: sensor readings with alarms that cluster in space, sanitation vehicles on their rounds,
 * crews on duty, and incidents raised by alarms that move through the case cycle. Pure state plus a seeded PRNG,
 * stepped by the caller, so a test can replay it exactly.
 */
export class CityFeed {
  private readonly random: () => number;
  private readonly values: Float64Array;
  private readonly states: SensorState[];
  /** Ring of the last SENSOR_HISTORY_SAMPLES readings of every sensor (Float32: 6 MB for 5,000 sensors). */
  private readonly history: Float32Array;
  private readonly historyAt: number[] = [];
  private historyHead = 0;
  private readonly sensorIndexById: Map<string, number>;
  private readonly vehiclePositions: Float64Array;
  private readonly vehicleHeadings: Float64Array;
  private readonly crewPositions: Float64Array;
  /** Crew index -> what its terminal last reported; a reporting crew is no longer simulated. */
  private readonly crewReports = new Map<number, CrewReport & { positionAt: string | null }>();
  private readonly episodes: Episode[] = [];
  private readonly incidents = new Map<string, Incident>();
  private readonly openIncidentBySensor = new Map<number, string>();
  /** Crew index -> the incident it is working on. */
  private readonly crewAssignments = new Map<number, string>();
  private lastTickAt: string | null = null;
  /** Drill injection key -> the incident it staged. */
  private readonly stagedByKey = new Map<string, string>();
  private seq = 0;
  private incidentSeq = 0;

  constructor(
    private readonly world: FeedWorld,
    seed: number,
    restoredIncidents: readonly Incident[] = [],
  ) {
    this.random = mulberry32(seed);
    this.values = Float64Array.from(world.sensors, (sensor) => sensor.normal);
    this.states = world.sensors.map(() => 'normal');
    this.history = new Float32Array(world.sensors.length * SENSOR_HISTORY_SAMPLES);
    this.sensorIndexById = new Map(world.sensors.map((sensor, index) => [sensor.id, index]));
    this.vehiclePositions = new Float64Array(world.vehicles.length * 2);
    this.vehicleHeadings = new Float64Array(world.vehicles.length);
    world.vehicles.forEach((vehicle, index) => {
      this.vehiclePositions[index * 2] = vehicle.depot[0];
      this.vehiclePositions[index * 2 + 1] = vehicle.depot[1];
      this.vehicleHeadings[index] = this.random() * Math.PI * 2;
    });
    this.crewPositions = new Float64Array(world.crews.length * 2);
    world.crews.forEach((crew, index) => {
      this.crewPositions[index * 2] = crew.base[0];
      this.crewPositions[index * 2 + 1] = crew.base[1];
    });
    for (const incident of restoredIncidents) {
      this.incidents.set(incident.id, incident);
      const index = incident.sensorId === null ? undefined : this.sensorIndexById.get(incident.sensorId);
      if (incident.state !== 'closed' && index !== undefined) this.openIncidentBySensor.set(index, incident.id);
      this.incidentSeq = Math.max(this.incidentSeq, Number(incident.id.split('-').at(-1)) || 0);
      if (incident.state === 'dispatched' || incident.state === 'handling') this.assignNearestCrew(incident);
    }
  }

  step(now: Date): FeedStep {
    this.seq += 1;
    const sensorChanges = this.stepSensors();
    this.recordHistory(now);
    this.stepVehicles();
    this.stepCrews();
    const incidentsChanged = this.stepIncidents(now);
    const at = now.toISOString();
    this.lastTickAt = at;
    return {
      tick: {
        seq: this.seq,
        at,
        vehiclePositions: roundedArray(this.vehiclePositions),
        crewPositions: roundedArray(this.crewPositions),
        sensorChanges,
      },
      summary: this.summary(at),
      incidents: incidentsChanged ? this.incidentList() : null,
      // Everything this step created or moved on carries its time.
      changedIncidents: incidentsChanged ? this.incidentList().filter((incident) => incident.updatedAt === at).reverse() : [],
    };
  }

  /** Every sensor not in its normal state, with its latest reading. */
  abnormalSensors(): SensorReading[] {
    const readings: SensorReading[] = [];
    this.states.forEach((state, index) => {
      const sensor = this.world.sensors[index];
      if (state !== 'normal' && sensor) readings.push({ id: sensor.id, state, value: Math.round((this.values[index] ?? 0) * 100) / 100 });
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
      // Once the ring is full, the oldest sample is the one the next tick overwrites.
      const slot = count < SENSOR_HISTORY_SAMPLES ? k : (this.historyHead + k) % SENSOR_HISTORY_SAMPLES;
      samples.push({
        at: new Date(this.historyAt[slot] as number).toISOString(),
        value: Math.round((this.history[index * SENSOR_HISTORY_SAMPLES + slot] as number) * 100) / 100,
      });
    }
    return { sensorId, state: this.states[index] ?? 'normal', samples };
  }

  private recordHistory(now: Date): void {
    const slot = this.historyHead;
    for (let index = 0; index < this.states.length; index++) {
      this.history[index * SENSOR_HISTORY_SAMPLES + slot] = this.values[index] as number;
    }
    this.historyAt[slot] = now.getTime();
    this.historyHead = (slot + 1) % SENSOR_HISTORY_SAMPLES;
  }

  summary(at: string): FeedSummary {
    const sensors = { normal: 0, warning: 0, alarm: 0 };
    const alarmsByGrade: Record<RiskGrade, number> = { red: 0, orange: 0, yellow: 0, blue: 0 };
    this.states.forEach((state, index) => {
      sensors[state] += 1;
      const grade = this.world.sensors[index]?.riskGrade;
      if (state === 'alarm' && grade) alarmsByGrade[grade] += 1;
    });
    return {
      at,
      sensors,
      alarmsByGrade,
      openIncidents: this.incidentList().filter((incident) => incident.state !== 'closed' && incident.drillId === null).length,
      crewsOnDuty: this.world.crews.filter((crew) => crew.onDuty).length,
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
    const incident = this.raiseIncident(sensor, now.toISOString(), injection.drillId);
    if (injection.key !== undefined) this.stagedByKey.set(injection.key, incident.id);
    return incident;
  }

  /** An incident an operator registered (reported by phone or patrol): live, and left to people to work. */
  registerIncident(report: IncidentReport, now: Date): Incident {
    const at = now.toISOString();
    this.incidentSeq += 1;
    const incident: Incident = {
      ...report,
      id: `INC-${at.slice(0, 10).replaceAll('-', '')}-${String(this.incidentSeq).padStart(5, '0')}`,
      state: 'registered',
      sensorId: null,
      reportedAt: at,
      updatedAt: at,
      synthetic: false,
      drillId: null,
      source: 'operator',
    };
    this.incidents.set(incident.id, incident);
    return incident;
  }

  /** The incident a sensor's alarm raises (drill incidents are marked in id and title as well as by their drill id). */
  private raiseIncident(sensor: SensorSeed, at: string, drillId: string | null): Incident {
    this.incidentSeq += 1;
    const incident: Incident = {
      id: `${drillId ? 'DRL' : 'INC'}-${at.slice(0, 10).replaceAll('-', '')}-${String(this.incidentSeq).padStart(5, '0')}`,
      type: sensor.incidentType,
      title: drillId ? `【演练】${sensor.title}` : sensor.title,
      severity: sensor.riskGrade === 'red' ? 'critical' : sensor.riskGrade === 'orange' ? 'severe' : 'major',
      state: 'reported',
      position: sensor.position,
      districtAdcode: sensor.districtAdcode,
      riskGrade: sensor.riskGrade,
      sensorId: sensor.id,
      reportedAt: at,
      updatedAt: at,
      synthetic: this.world.synthetic,
      drillId,
      source: 'sensor',
    };
    this.incidents.set(incident.id, incident);
    return incident;
  }

  incidentList(): Incident[] {
    return [...this.incidents.values()].sort((a, b) => b.reportedAt.localeCompare(a.reportedAt));
  }

  crews(): Crew[] {
    return this.world.crews.map((crew, index) => ({
      id: crew.id,
      name: crew.name,
      speciality: crew.speciality,
      specialityLabel: crew.specialityLabel,
      leader: crew.leader,
      phone: crew.phone,
      sipExtension: crew.sipExtension,
      districtAdcode: crew.districtAdcode,
      status: this.crewStatus(index),
      position: this.crewOnDuty(index) ? [round6(this.crewPositions[index * 2] ?? 0), round6(this.crewPositions[index * 2 + 1] ?? 0)] : null,
      positionAt: this.crewOnDuty(index) ? (this.crewReports.get(index)?.positionAt ?? this.lastTickAt) : null,
      synthetic: this.world.synthetic && !this.crewReports.has(index),
    }));
  }

  /** A crew terminal reports its status and, when it has one, its position; the feed stops simulating that crew. */
  reportCrew(crewId: string, report: CrewReport, now: Date): Crew {
    const index = this.world.crews.findIndex((crew) => crew.id === crewId);
    if (index < 0) throw new Error(`No crew ${crewId} in the directory.`);
    const previous = this.crewReports.get(index);
    const positionAt = report.position === null ? (previous?.positionAt ?? null) : now.toISOString();
    this.crewReports.set(index, { ...report, positionAt });
    if (report.position !== null) {
      this.crewPositions[index * 2] = report.position[0];
      this.crewPositions[index * 2 + 1] = report.position[1];
    }
    if (report.status !== 'busy') this.crewAssignments.delete(index);
    return this.crews()[index] as Crew;
  }

  private crewOnDuty(index: number): boolean {
    const reported = this.crewReports.get(index);
    return reported ? reported.status !== 'off-duty' : (this.world.crews[index]?.onDuty ?? false);
  }

  private crewStatus(index: number): CrewStatus {
    const reported = this.crewReports.get(index);
    if (reported) return reported.status;
    return !this.crewOnDuty(index) ? 'off-duty' : this.crewAssignments.has(index) ? 'busy' : 'available';
  }

  /** The nearest on-duty crew not already on an incident takes a dispatched incident until it closes (the one rule of nearestCrews). */
  private assignNearestCrew(incident: Incident): void {
    const candidates = this.world.crews.map((crew, index) => ({
      id: crew.id,
      index,
      // A crew already on an incident is busy here whatever its terminal last reported.
      status: (!this.crewOnDuty(index) ? 'off-duty' : this.crewAssignments.has(index) || this.crewReports.get(index)?.status === 'busy' ? 'busy' : 'available') as CrewStatus,
      position: [this.crewPositions[index * 2] ?? 0, this.crewPositions[index * 2 + 1] ?? 0] as LngLat,
    }));
    const best = nearestCrews(candidates, { from: incident.position, count: 1 }).chosen[0];
    if (best) this.crewAssignments.set(best.crew.index, incident.id);
  }

  private stepSensors(): FeedTick['sensorChanges'] {
    const sensors = this.world.sensors;
    if (sensors.length > 0 && this.random() < EPISODE_CHANCE) {
      const sensorIndex = Math.floor(this.random() * sensors.length);
      this.episodes.push({ sensorIndex, ticksLeft: EPISODE_TICKS, neighbours: this.neighbours(sensorIndex) });
    }
    const pressure = new Float64Array(sensors.length);
    for (const episode of this.episodes) {
      pressure[episode.sensorIndex] = 1;
      for (const neighbour of episode.neighbours) pressure[neighbour] = Math.max(pressure[neighbour] ?? 0, 0.6);
      episode.ticksLeft -= 1;
    }
    this.episodes.splice(0, this.episodes.length, ...this.episodes.filter((episode) => episode.ticksLeft > 0));

    const changes: FeedTick['sensorChanges'] = [];
    sensors.forEach((sensor, index) => {
      const value = this.values[index] ?? sensor.normal;
      const span = sensor.alarm - sensor.normal;
      const target = sensor.normal + span * 1.15 * (pressure[index] ?? 0);
      const next = value + (target - value) * 0.15 + (this.random() - 0.5) * span * 0.02;
      this.values[index] = next;
      const reading = sensor.compare === 'absolute' ? Math.abs(next) : next;
      const state: SensorState = reading >= sensor.alarm ? 'alarm' : reading >= sensor.warning ? 'warning' : 'normal';
      if (state !== this.states[index]) {
        this.states[index] = state;
        changes.push({ id: sensor.id, state, value: Math.round(next * 100) / 100 });
      }
    });
    return changes;
  }

  private neighbours(centre: number): number[] {
    const origin = this.world.sensors[centre]?.position;
    if (!origin) return [];
    const cos = Math.cos((origin[1] * Math.PI) / 180);
    const out: number[] = [];
    this.world.sensors.forEach((sensor, index) => {
      if (index === centre) return;
      const dx = (sensor.position[0] - origin[0]) * cos * METRES_PER_DEGREE;
      const dy = (sensor.position[1] - origin[1]) * METRES_PER_DEGREE;
      if (dx * dx + dy * dy < CLUSTER_RADIUS_M * CLUSTER_RADIUS_M) out.push(index);
    });
    return out;
  }

  private stepVehicles(): void {
    this.world.vehicles.forEach((vehicle, index) => {
      const lng = this.vehiclePositions[index * 2] ?? vehicle.depot[0];
      const lat = this.vehiclePositions[index * 2 + 1] ?? vehicle.depot[1];
      const cos = Math.cos((lat * Math.PI) / 180);
      const awayX = (lng - vehicle.depot[0]) * cos * METRES_PER_DEGREE;
      const awayY = (lat - vehicle.depot[1]) * METRES_PER_DEGREE;
      let heading = (this.vehicleHeadings[index] ?? 0) + (this.random() - 0.5) * 0.5;
      // Beyond its round's range a vehicle turns back toward its depot.
      if (awayX * awayX + awayY * awayY > VEHICLE_RANGE_M * VEHICLE_RANGE_M) heading = Math.atan2(-awayY, -awayX);
      this.vehicleHeadings[index] = heading;
      this.vehiclePositions[index * 2] = lng + (Math.cos(heading) * VEHICLE_SPEED_MPS) / (cos * METRES_PER_DEGREE);
      this.vehiclePositions[index * 2 + 1] = lat + (Math.sin(heading) * VEHICLE_SPEED_MPS) / METRES_PER_DEGREE;
    });
  }

  private stepCrews(): void {
    this.world.crews.forEach((crew, index) => {
      if (!crew.onDuty || this.crewReports.has(index)) return;
      const cos = Math.cos((crew.base[1] * Math.PI) / 180);
      const lng = (this.crewPositions[index * 2] ?? crew.base[0]) + ((this.random() - 0.5) * 3) / (cos * METRES_PER_DEGREE);
      const lat = (this.crewPositions[index * 2 + 1] ?? crew.base[1]) + ((this.random() - 0.5) * 3) / METRES_PER_DEGREE;
      this.crewPositions[index * 2] = lng;
      this.crewPositions[index * 2 + 1] = lat;
    });
  }

  private stepIncidents(now: Date): boolean {
    let changed = false;
    const at = now.toISOString();
    this.states.forEach((state, index) => {
      if (state !== 'alarm' || this.openIncidentBySensor.has(index)) return;
      const sensor = this.world.sensors[index];
      if (!sensor) return;
      const incident = this.raiseIncident(sensor, at, null);
      this.openIncidentBySensor.set(index, incident.id);
      changed = true;
    });
    for (const incident of this.incidents.values()) {
      if (incident.state === 'closed') continue;
      // The simulated crews work the alarms they raised; drill and operator-registered incidents move only when
      // people move them, or close when they are left for their lifetime.
      if (incident.drillId !== null || incident.source !== 'sensor') {
        const lifetime = incident.drillId !== null ? DRILL_INCIDENT_LIFETIME_MS : OPERATOR_INCIDENT_LIFETIME_MS;
        if (now.getTime() - Date.parse(incident.updatedAt) < lifetime) continue;
        this.incidents.set(incident.id, { ...incident, state: 'closed', updatedAt: at });
        changed = true;
        continue;
      }
      const stage = incidentFlow.indexOf(incident.state);
      const due = Date.parse(incident.updatedAt) + (INCIDENT_STAGE_SECONDS[stage] ?? 30) * 1000;
      if (now.getTime() < due) continue;
      const next = incidentFlow[stage + 1] ?? 'closed';
      const moved = { ...incident, state: next, updatedAt: at };
      this.incidents.set(incident.id, moved);
      if (next === 'dispatched') this.assignNearestCrew(moved);
      if (next === 'closed') {
        for (const [sensorIndex, id] of this.openIncidentBySensor) if (id === incident.id) this.openIncidentBySensor.delete(sensorIndex);
        for (const [crewIndex, id] of this.crewAssignments) if (id === incident.id) this.crewAssignments.delete(crewIndex);
      }
      changed = true;
    }
    if (changed) this.pruneClosed();
    return changed;
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
  }

  /** How many entries each of the feed's growing collections holds (the day-long test checks they stay bounded). */
  retainedEntries(): { incidents: number; openIncidentsBySensor: number; crewAssignments: number; drillKeys: number; episodes: number } {
    return {
      incidents: this.incidents.size,
      openIncidentsBySensor: this.openIncidentBySensor.size,
      crewAssignments: this.crewAssignments.size,
      drillKeys: this.stagedByKey.size,
      episodes: this.episodes.length,
    };
  }
}

function roundedArray(values: Float64Array): number[] {
  return Array.from(values, round6);
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
