import gcoord from 'gcoord';
import { LngLatSchema, type LngLat } from '../../shared/domain/geo.js';
import type { CoordinateSystem } from '../../shared/ingest/index.js';

const gcoordSystem = { gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/**
 * A position in the sender's coordinate system as WGS-84, which is all the registry stores; null when the converted
 * point is not a longitude and latitude (a BD-09 point at the edge of the world lands past it), which no console
 * could read.
 */
export function toWgs84(position: readonly [number, number], crs: CoordinateSystem): LngLat | null {
  if (crs === 'wgs84') return [position[0], position[1]];
  const converted = gcoord.transform([position[0], position[1]], gcoordSystem[crs], gcoord.WGS84);
  const parsed = LngLatSchema.safeParse([converted[0], converted[1]]);
  return parsed.success ? parsed.data : null;
}
