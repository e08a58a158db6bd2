import type { LngLat } from '../../shared/domain/geo.js';
import type { RiskGrade } from '../../shared/domain/feed.js';

/** What the live feed simulates, derived from the demo city (or, later, a real city's registers). */
export interface FeedWorld {
  synthetic: boolean;
  crews: readonly CrewSeed[];
  sensors: readonly SensorSeed[];
  vehicles: readonly VehicleSeed[];
}

export interface CrewSeed {
  id: string;
  name: string;
  speciality: string;
  specialityLabel: { zh: string; en: string };
  leader: string;
  phone: string;
  sipExtension: string;
  districtAdcode: string;
  base: LngLat;
  onDuty: boolean;
}

export interface SensorSeed {
  id: string;
  kind: string;
  /** Incident type raised when this sensor alarms. */
  incidentType: string;
  /** The title of the incident its alarm raises, and of one a drill stages at it (marked as a drill in the record). */
  title: string;
  drillTitle: string;
  position: LngLat;
  districtAdcode: string;
  riskGrade: RiskGrade | null;
  /** The middle of the normal range; readings drift from here toward the thresholds during a hazard episode. */
  normal: number;
  warning: number;
  alarm: number;
  /** 'absolute' sensors (strain, deflection) alarm on the magnitude of the reading. */
  compare: 'above' | 'absolute';
}

export interface VehicleSeed {
  id: string;
  depot: LngLat;
  districtAdcode: string;
}
