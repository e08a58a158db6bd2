import { mulberry32 } from '../../shared/city/random.js';
import { INGEST_TOPIC_ROOT } from '../../shared/ingest/index.js';
import type { FeedWorld } from '../feed/feed-world.js';

const METRES_PER_DEGREE = 111_320;
const VEHICLE_SPEED_MPS = 7;
const VEHICLE_RANGE_M = 3000;
/** Chance per tick that a new hazard episode starts somewhere in the city. */
const EPISODE_CHANCE = 0.04;
const EPISODE_TICKS = 90;
/** Sensors within this distance of an episode's centre are drawn toward warning with it (alarms cluster in space). */
const CLUSTER_RADIUS_M = 1500;
/**
 * Like a real IoT gateway, a simulated sensor reports when its value moved by this share of its normal-to-alarm span,
 * and otherwise once a minute (spread over the minute, so the city's sensors do not all report in the same second).
 */
const SENSOR_DEADBAND = 0.02;
const SENSOR_HEARTBEAT_TICKS = 60;
/** Crews on foot move little: their terminals report every few seconds. */
const CREW_REPORT_TICKS = 5;

/** The demo's seed, in the backend and in `npm run simulate` alike, so both play the same city. */
export const DEMO_SIMULATOR_SEED = 20261127;

/** One message as a device would publish it: the topic and its JSON payload. */
export interface SimulatedMessage {
  topic: string;
  payload: Record<string, unknown>;
}

interface Episode {
  sensorIndex: number;
  ticksLeft: number;
  neighbours: number[];
}

/**
 * The demo city's devices: sensor readings drifting toward alarm in hazard episodes that cluster in space, sanitation
 * vehicles on their rounds, and crew terminals on duty. It knows nothing of the registry: each step returns what its
 * devices would publish, and the caller sends that through ingestion (in-process, MQTT or HTTP) as a real device's
 * messages go. Seeded, so a test replays it exactly.
 */
export class CitySimulator {
  private readonly random: () => number;
  private readonly values: Float64Array;
  private readonly published: Float64Array;
  private readonly vehiclePositions: Float64Array;
  private readonly vehicleHeadings: Float64Array;
  private readonly crewPositions: Float64Array;
  private readonly episodes: Episode[] = [];
  private tick = 0;

  constructor(
    private readonly world: FeedWorld,
    seed: number,
    /** Crews whose own terminals report (the simulator leaves them to their people). */
    private readonly crewReportsForItself: (crewId: string) => boolean = () => false,
  ) {
    this.random = mulberry32(seed);
    this.values = Float64Array.from(world.sensors, (sensor) => sensor.normal);
    this.published = Float64Array.from(this.values);
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
  }

  /** Advances the city by one tick and returns what its devices publish at `now`. */
  step(now: Date): SimulatedMessage[] {
    this.tick += 1;
    const at = now.toISOString();
    return [...this.stepSensors(at), ...this.stepVehicles(at), ...this.stepCrews(at)];
  }

  /** How many hazard episodes are running (the day-long test checks they stay bounded). */
  episodeCount(): number {
    return this.episodes.length;
  }

  private stepSensors(at: string): SimulatedMessage[] {
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

    const messages: SimulatedMessage[] = [];
    sensors.forEach((sensor, index) => {
      const value = this.values[index] ?? sensor.normal;
      const span = sensor.alarm - sensor.normal;
      const target = sensor.normal + span * 1.15 * (pressure[index] ?? 0);
      const next = value + (target - value) * 0.15 + (this.random() - 0.5) * span * 0.02;
      this.values[index] = next;
      const moved = Math.abs(next - (this.published[index] ?? sensor.normal)) >= Math.abs(span) * SENSOR_DEADBAND;
      if (!moved && (this.tick + index) % SENSOR_HEARTBEAT_TICKS !== 0) return;
      this.published[index] = next;
      messages.push({ topic: `${INGEST_TOPIC_ROOT}/sensors/${sensor.id}/reading`, payload: { value: round(next, 4), at } });
    });
    return messages;
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

  private stepVehicles(at: string): SimulatedMessage[] {
    return this.world.vehicles.map((vehicle, index) => {
      const lng = this.vehiclePositions[index * 2] ?? vehicle.depot[0];
      const lat = this.vehiclePositions[index * 2 + 1] ?? vehicle.depot[1];
      const cos = Math.cos((lat * Math.PI) / 180);
      const awayX = (lng - vehicle.depot[0]) * cos * METRES_PER_DEGREE;
      const awayY = (lat - vehicle.depot[1]) * METRES_PER_DEGREE;
      let heading = (this.vehicleHeadings[index] ?? 0) + (this.random() - 0.5) * 0.5;
      // Beyond its round's range a vehicle turns back toward its depot.
      if (awayX * awayX + awayY * awayY > VEHICLE_RANGE_M * VEHICLE_RANGE_M) heading = Math.atan2(-awayY, -awayX);
      this.vehicleHeadings[index] = heading;
      const nextLng = lng + (Math.cos(heading) * VEHICLE_SPEED_MPS) / (cos * METRES_PER_DEGREE);
      const nextLat = lat + (Math.sin(heading) * VEHICLE_SPEED_MPS) / METRES_PER_DEGREE;
      this.vehiclePositions[index * 2] = nextLng;
      this.vehiclePositions[index * 2 + 1] = nextLat;
      // Compass heading: 0 is north, clockwise.
      const headingDeg = (((90 - (heading * 180) / Math.PI) % 360) + 360) % 360;
      return {
        topic: `${INGEST_TOPIC_ROOT}/vehicles/${vehicle.id}/position`,
        payload: { position: [round(nextLng, 6), round(nextLat, 6)], at, speedKmh: VEHICLE_SPEED_MPS * 3.6, headingDeg: round(headingDeg, 1) },
      };
    });
  }

  private stepCrews(at: string): SimulatedMessage[] {
    const messages: SimulatedMessage[] = [];
    this.world.crews.forEach((crew, index) => {
      if (!crew.onDuty || this.crewReportsForItself(crew.id)) return;
      const cos = Math.cos((crew.base[1] * Math.PI) / 180);
      const lng = (this.crewPositions[index * 2] ?? crew.base[0]) + ((this.random() - 0.5) * 3) / (cos * METRES_PER_DEGREE);
      const lat = (this.crewPositions[index * 2 + 1] ?? crew.base[1]) + ((this.random() - 0.5) * 3) / METRES_PER_DEGREE;
      this.crewPositions[index * 2] = lng;
      this.crewPositions[index * 2 + 1] = lat;
      if ((this.tick + index) % CREW_REPORT_TICKS !== 0) return;
      messages.push({ topic: `${INGEST_TOPIC_ROOT}/crews/${crew.id}/status`, payload: { status: 'available', position: [round(lng, 6), round(lat, 6)], at } });
    });
    return messages;
  }
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
