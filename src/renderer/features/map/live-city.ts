import type { FeedTick, SensorReading, SensorState } from '../../../shared/domain/feed.js';
import type { LngLat } from '../../../shared/domain/geo.js';

/** Trail sampling: one point per vehicle every TRAIL_STEP_MS, kept for TRAIL_SAMPLES steps (ten minutes). */
export const TRAIL_STEP_MS = 10_000;
export const TRAIL_SAMPLES = 60;

/** Binary columns of a moving fleet as the GPU takes them: positions as offsets from one origin, plus a version. */
export interface MovingPoints {
  /** Bumped on every change; the map passes it to its layers so only the changed buffers are uploaded. */
  readonly version: number;
  readonly count: number;
  /** (lng, lat) offsets from the origin, interleaved. */
  readonly positions: Float32Array<ArrayBuffer>;
}

export interface Trails {
  readonly version: number;
  readonly count: number;
  /** Vertex index where each vehicle's path starts, plus the total at the end. */
  readonly startIndices: Uint32Array<ArrayBuffer>;
  readonly positions: Float32Array<ArrayBuffer>;
}

/**
 * The live part of the city a map window draws: vehicle and crew positions, vehicle trails and sensor states, kept as
 * typed arrays and updated in place from feed ticks. A tick replaces a position buffer and bumps a version; it never
 * builds an object per vehicle, so the map's layers stay and only their position attributes are re-uploaded.
 */
export class LiveCity {
  private vehicleState: MovingPoints;
  private crewState: MovingPoints;
  private trailState: Trails;
  private readonly trailRing: Float32Array;
  private trailHead = 0;
  private trailFilled = 0;
  private lastTrailAt = -Infinity;
  private readonly sensorStates: Uint8Array;
  private readonly sensorValues: Float64Array;
  private sensorVersionValue = 0;
  private lastSeq = -1;

  constructor(
    readonly origin: LngLat,
    vehicleCount: number,
    crewCount: number,
    private readonly sensorIndex: ReadonlyMap<string, number>,
  ) {
    this.vehicleState = { version: 0, count: vehicleCount, positions: new Float32Array(vehicleCount * 2).fill(Number.NaN) };
    this.crewState = { version: 0, count: crewCount, positions: new Float32Array(crewCount * 2).fill(Number.NaN) };
    this.trailRing = new Float32Array(vehicleCount * TRAIL_SAMPLES * 2);
    this.trailState = { version: 0, count: 0, startIndices: new Uint32Array(1), positions: new Float32Array(0) };
    this.sensorStates = new Uint8Array(sensorIndex.size);
    // NaN until a reading arrives: a sensor the window has heard nothing from has no value to show.
    this.sensorValues = new Float64Array(sensorIndex.size).fill(Number.NaN);
  }

  get vehicles(): MovingPoints {
    return this.vehicleState;
  }

  get crews(): MovingPoints {
    return this.crewState;
  }

  get trails(): Trails {
    return this.trailState;
  }

  get sensorVersion(): number {
    return this.sensorVersionValue;
  }

  sensorState(index: number): SensorState {
    return sensorStateNames[this.sensorStates[index] ?? 0] ?? 'normal';
  }

  sensorValue(index: number): number | null {
    const value = this.sensorValues[index];
    return value === undefined || Number.isNaN(value) ? null : value;
  }

  /** Indexes of sensors in alarm (few at any time), for the pulsing layer. */
  alarmSensorIndexes(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.sensorStates.length; i++) if (this.sensorStates[i] === ALARM) out.push(i);
    return out;
  }

  /** The snapshot a window starts from (ticks carry only changes). */
  applySensorReadings(readings: readonly SensorReading[]): void {
    let changed = false;
    for (const reading of readings) changed = this.setSensor(reading) || changed;
    if (changed) this.sensorVersionValue += 1;
  }

  /** Applies one feed tick; a tick older than one already applied (a reordered or replayed message) is ignored. */
  applyTick(tick: FeedTick, atMs: number = Date.parse(tick.at)): void {
    if (tick.seq <= this.lastSeq && tick.seq > 0) return;
    this.lastSeq = tick.seq;
    if (tick.vehiclePositions.length === this.vehicleState.count * 2) {
      this.vehicleState = { version: this.vehicleState.version + 1, count: this.vehicleState.count, positions: this.toOffsets(tick.vehiclePositions) };
      if (atMs - this.lastTrailAt >= TRAIL_STEP_MS) {
        this.lastTrailAt = atMs;
        this.sampleTrails();
      }
    }
    if (tick.crewPositions.length === this.crewState.count * 2) {
      this.crewState = { version: this.crewState.version + 1, count: this.crewState.count, positions: this.toOffsets(tick.crewPositions) };
    }
    this.applySensorReadings(tick.sensorChanges);
  }

  private setSensor(reading: SensorReading): boolean {
    const index = this.sensorIndex.get(reading.id);
    if (index === undefined) return false;
    this.sensorStates[index] = sensorStateNames.indexOf(reading.state);
    this.sensorValues[index] = reading.value;
    return true;
  }

  private toOffsets(lngLat: readonly number[]): Float32Array<ArrayBuffer> {
    const [originLng, originLat] = this.origin;
    const offsets = new Float32Array(lngLat.length);
    for (let i = 0; i < lngLat.length; i += 2) {
      // The feed sends null-free numbers; an off-duty crew without a position is NaN and is not drawn.
      offsets[i] = (lngLat[i] as number) - originLng;
      offsets[i + 1] = (lngLat[i + 1] as number) - originLat;
    }
    return offsets;
  }

  private sampleTrails(): void {
    const { count, positions } = this.vehicleState;
    for (let v = 0; v < count; v++) {
      const at = (v * TRAIL_SAMPLES + this.trailHead) * 2;
      this.trailRing[at] = positions[v * 2] as number;
      this.trailRing[at + 1] = positions[v * 2 + 1] as number;
    }
    this.trailHead = (this.trailHead + 1) % TRAIL_SAMPLES;
    this.trailFilled = Math.min(this.trailFilled + 1, TRAIL_SAMPLES);
    // Each path: its samples oldest first; the newest is where the vehicle was when this tick sampled it.
    const perPath = this.trailFilled;
    const startIndices = new Uint32Array(count + 1);
    const out = new Float32Array(count * perPath * 2);
    for (let v = 0; v < count; v++) {
      startIndices[v] = v * perPath;
      for (let k = 0; k < perPath; k++) {
        const slot = (this.trailHead - perPath + k + TRAIL_SAMPLES) % TRAIL_SAMPLES;
        out[(v * perPath + k) * 2] = this.trailRing[(v * TRAIL_SAMPLES + slot) * 2] as number;
        out[(v * perPath + k) * 2 + 1] = this.trailRing[(v * TRAIL_SAMPLES + slot) * 2 + 1] as number;
      }
    }
    startIndices[count] = count * perPath;
    this.trailState = { version: this.trailState.version + 1, count, startIndices, positions: out };
  }
}

const sensorStateNames: readonly SensorState[] = ['normal', 'warning', 'alarm'];
const ALARM = 2;
