import gcoord from 'gcoord';
import type { LngLat } from '../../shared/domain/geo.js';
import type { CoordinateSystem } from '../../shared/ingest/index.js';

const gcoordSystem = { gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/** A position in the sender's coordinate system as WGS-84, which is all the registry stores. */
export function toWgs84(position: readonly [number, number], crs: CoordinateSystem): LngLat {
  if (crs === 'wgs84') return [position[0], position[1]];
  const [lng, lat] = gcoord.transform([position[0], position[1]], gcoordSystem[crs], gcoord.WGS84);
  return [lng, lat];
}
