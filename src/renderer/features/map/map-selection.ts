import { componentDetail, findComponent } from '../../../shared/city/index.js';
import type { Selection } from '../../../shared/domain/shared-state.js';
import type { CameraMarker } from './camera-markers.js';
import type { CityRegisters, LoadedComponentChunk } from './city-data.js';
import type { MapObjectRef } from './deck-layers.js';

interface Registers {
  readonly city: CityRegisters;
  readonly chunks: readonly LoadedComponentChunk[];
  /** The cameras the map draws (the backend's catalogue once known). */
  readonly cameras: readonly CameraMarker[];
}

/** The window-independent name of a picked object: the id its register gives it. */
export function selectionOf(ref: MapObjectRef, { city, chunks }: Registers): Selection | null {
  const id = (value: string | undefined) => (value === undefined ? null : { kind: ref.kind, id: value });
  switch (ref.kind) {
    case 'component': {
      const loaded = chunks.find((candidate) => candidate.entry.index === ref.chunk);
      return loaded ? { kind: 'component', id: componentDetail(loaded.chunk, ref.index, city.gridSidecar).code } : null;
    }
    case 'grid-cell':
      return id(city.gridSidecar.codes[ref.index]);
    case 'sensor':
      return id(city.sensors.sensors[ref.index]?.id);
    case 'risk-site':
      return id(city.riskSites.sites[ref.index]?.id);
    case 'vehicle':
      return id(city.fleet.vehicles[ref.index]?.id);
    case 'crew':
      return id(city.crews.crews[ref.index]?.id);
    case 'camera':
      return { kind: 'camera', id: ref.id };
    case 'transfer-station':
      return id(city.fleet.transferStations[ref.index]?.id);
    case 'incident':
      return { kind: 'incident', id: ref.id };
  }
}

/** This window's reference to a selection made anywhere; null while it cannot be found (a chunk still loading). */
export function refOfSelection(selection: Selection, { city, chunks, cameras }: Registers): MapObjectRef | null {
  const at = (index: number) => (index < 0 ? null : index);
  const indexed = (kind: Exclude<MapObjectRef['kind'], 'component' | 'incident' | 'camera'>, index: number): MapObjectRef | null => {
    const found = at(index);
    return found === null ? null : { kind, index: found };
  };
  switch (selection.kind) {
    case 'component': {
      const found = findComponent(
        chunks.map((loaded) => loaded.chunk),
        selection.id,
      );
      const loaded = found ? chunks[found.chunk] : undefined;
      return found && loaded ? { kind: 'component', chunk: loaded.entry.index, index: found.index } : null;
    }
    case 'grid-cell':
      return indexed('grid-cell', city.gridSidecar.codes.indexOf(selection.id));
    case 'sensor':
      return indexed('sensor', city.sensors.sensors.findIndex((sensor) => sensor.id === selection.id));
    case 'risk-site':
      return indexed('risk-site', city.riskSites.sites.findIndex((site) => site.id === selection.id));
    case 'vehicle':
      return indexed('vehicle', city.fleet.vehicles.findIndex((vehicle) => vehicle.id === selection.id));
    case 'crew':
      return indexed('crew', city.crews.crews.findIndex((crew) => crew.id === selection.id));
    case 'camera':
      // A configured camera is known once the catalogue has come: until then it resolves to nothing, as a component
      // of a chunk still loading does.
      return cameras.some((camera) => camera.id === selection.id) ? { kind: 'camera', id: selection.id } : null;
    case 'transfer-station':
      return indexed('transfer-station', city.fleet.transferStations.findIndex((station) => station.id === selection.id));
    case 'incident':
      return { kind: 'incident', id: selection.id };
  }
}

export function sameSelection(a: Selection | null, b: Selection | null): boolean {
  return a === b || (a !== null && b !== null && a.kind === b.kind && a.id === b.id);
}
