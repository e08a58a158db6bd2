import type { GridLookup } from '../../../shared/city/index.js';
import type { Incident } from '../../../shared/domain/feed.js';
import type { GridMeasure } from '../../../shared/map/map-layers-state.js';
import type { LoadedComponentChunk } from './city-data.js';
import type { LiveCity } from './live-city.js';

/** Per grid cell, the figure the grid is coloured by; `max` scales the colour ramp. */
export interface GridMeasureCounts {
  readonly measure: GridMeasure;
  readonly counts: Uint32Array<ArrayBuffer>;
  readonly max: number;
}

export interface GridMeasureInputs {
  readonly cellCount: number;
  readonly lookup: GridLookup;
  readonly incidents: readonly Incident[];
  /** Grid cell of every sensor, by sensor index (-1 outside the grid). */
  readonly sensorCells: Int32Array;
  readonly live: LiveCity;
  readonly chunks: readonly LoadedComponentChunk[];
}

/**
 * Open cases count live incidents (drills are kept out of live figures); alarms count sensors in warning or alarm;
 * damaged components count components whose status is anything but normal (破损, 丢失, 占用, 维修中).
 */
export function countGridMeasure(measure: GridMeasure, inputs: GridMeasureInputs): GridMeasureCounts {
  const counts = new Uint32Array(inputs.cellCount);
  const add = (cell: number) => {
    if (cell >= 0 && cell < counts.length) counts[cell] = (counts[cell] as number) + 1;
  };
  if (measure === 'open-cases') {
    for (const incident of inputs.incidents) {
      if (incident.state !== 'closed' && incident.drillId === null) add(inputs.lookup.cellAt(incident.position[0], incident.position[1]));
    }
  } else if (measure === 'alarms') {
    inputs.sensorCells.forEach((cell, sensor) => {
      if (inputs.live.sensorState(sensor) !== 'normal') add(cell);
    });
  } else {
    for (const { chunk } of inputs.chunks) {
      const { status, cellIndex } = chunk;
      for (let i = 0; i < status.length; i++) if (status[i] !== 0) add(cellIndex[i] as number);
    }
  }
  let max = 0;
  for (let i = 0; i < counts.length; i++) max = Math.max(max, counts[i] as number);
  return { measure, counts, max };
}
