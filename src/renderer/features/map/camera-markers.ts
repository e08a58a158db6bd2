import type { Camera } from '../../../shared/city/index.js';
import type { LngLat } from '../../../shared/domain/geo.js';
import type { CameraSummary } from '../../../shared/domain/shared-state.js';

/** A camera as the map draws it, names it and plays it: the catalogue's id (what the wall plays), where it stands. */
export interface CameraMarker {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly position: LngLat;
  readonly ptz: boolean;
  /** The district it stands in; null outside every grid cell of the city (a configured camera beyond its edge). */
  readonly districtAdcode: string | null;
}

/**
 * The cameras the map draws. The backend's catalogue is the truth once it is known: the city's cameras with the cameras
 * file's over them (one of the same id moved or renamed, new ones added), and only its cameras can be played on the
 * wall. Until it arrives (or while no backend answers) the map draws the city's own register, so a map window never
 * opens without cameras.
 *
 * `districtAt` names the district a position stands in; it is asked only for cameras the city does not place itself
 * (a configured camera, or a city camera moved by the cameras file).
 */
export function cameraMarkers(
  cityCameras: readonly Camera[],
  catalogue: readonly CameraSummary[] | null,
  districtAt: (position: LngLat) => string | null,
): CameraMarker[] {
  const fromCity = (camera: Camera): CameraMarker => ({
    id: camera.id,
    code: camera.code,
    name: camera.name,
    position: camera.position,
    ptz: camera.ptz,
    districtAdcode: camera.districtAdcode,
  });
  if (catalogue === null) return cityCameras.map(fromCity);
  const cityById = new Map(cityCameras.map((camera) => [camera.id, camera]));
  return catalogue.map((camera) => {
    const city = cityById.get(camera.id);
    const samePlace = city !== undefined && city.position[0] === camera.position[0] && city.position[1] === camera.position[1];
    return {
      id: camera.id,
      code: camera.code,
      name: camera.name,
      position: camera.position,
      ptz: camera.ptz,
      districtAdcode: samePlace ? city.districtAdcode : districtAt(camera.position),
    };
  });
}
