import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testCityDir } from '../../../../test/helpers/test-city.js';
import {
  CamerasFileSchema,
  CityManifestSchema,
  CrewsFileSchema,
  decodeComponentChunk,
  decodeGridCells,
  FleetFileSchema,
  GridCellsSidecarSchema,
  RiskSitesFileSchema,
  SensorsFileSchema,
  StreetsFileSchema,
} from '../../../shared/city/index.js';
import { cameraMarkers } from './camera-markers.js';
import type { CityRegisters, LoadedComponentChunk } from './city-data.js';
import { interleavePositions } from './city-data.js';
import type { MapObjectRef } from './deck-layers.js';
import { refOfSelection, sameSelection, selectionOf } from './map-selection.js';

const dir = testCityDir();
const json = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
const bytes = (file: string) => {
  const buffer = readFileSync(join(dir, file));
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
};

describe('shared selection', () => {
  const manifest = CityManifestSchema.parse(json('manifest.json'));
  const city: CityRegisters = {
    manifest,
    grid: decodeGridCells(bytes(manifest.grid.cellsPath)),
    gridSidecar: GridCellsSidecarSchema.parse(json(manifest.grid.sidecarPath)),
    streets: StreetsFileSchema.parse(json('streets.json')),
    riskSites: RiskSitesFileSchema.parse(json('risk-sites.json')),
    sensors: SensorsFileSchema.parse(json('sensors.json')),
    fleet: FleetFileSchema.parse(json('fleet.json')),
    crews: CrewsFileSchema.parse(json('crews.json')),
    cameras: CamerasFileSchema.parse(json('cameras.json')),
  };
  const chunks: LoadedComponentChunk[] = manifest.components.chunks.slice(0, 3).map((entry) => {
    const chunk = decodeComponentChunk(bytes(entry.path));
    return { entry, chunk, positions: interleavePositions(chunk) };
  });
  // The catalogue as a backend with a cameras file serves it: the city's cameras and one configured camera more.
  const configured = { id: 'CM900001', code: '50010300081300900001', name: '测试摄像机 1', position: [106.7012, 29.3915] as [number, number], ptz: false };
  const cameras = cameraMarkers(city.cameras.cameras, [...city.cameras.cameras, configured], () => null);
  const registers = { city, chunks, cameras };

  it('names every kind of picked object by its register id and finds it again in another window', () => {
    const refs: MapObjectRef[] = [
      { kind: 'component', chunk: chunks[2]?.entry.index ?? 0, index: 5 },
      { kind: 'grid-cell', index: 100 },
      { kind: 'sensor', index: 7 },
      { kind: 'risk-site', index: 3 },
      { kind: 'vehicle', index: 9 },
      { kind: 'crew', index: 2 },
      { kind: 'camera', id: city.cameras.cameras[4]?.id ?? 'none' },
      { kind: 'camera', id: 'CM900001' },
      { kind: 'transfer-station', index: 1 },
      { kind: 'incident', id: 'INC-20261127-0001' },
    ];
    for (const ref of refs) {
      const selection = selectionOf(ref, registers);
      expect(selection?.kind, ref.kind).toBe(ref.kind);
      expect(refOfSelection(selection as NonNullable<typeof selection>, registers), ref.kind).toEqual(ref);
    }
    expect(selectionOf({ kind: 'component', chunk: 0, index: 0 }, registers)?.id).toMatch(/^\d{16}$/);
    expect(selectionOf({ kind: 'grid-cell', index: 100 }, registers)?.id).toMatch(/^\d{15}$/);
  });

  it('cannot resolve what this window does not have (yet): a component of an unloaded chunk, an unknown id', () => {
    const unloaded = manifest.components.chunks[5];
    if (!unloaded) throw new Error('the test city has fewer chunks than expected');
    const chunk = decodeComponentChunk(bytes(unloaded.path));
    const elsewhere = selectionOf({ kind: 'component', chunk: unloaded.index, index: 0 }, { city, chunks: [{ entry: unloaded, chunk, positions: interleavePositions(chunk) }], cameras });
    expect(elsewhere).not.toBeNull();
    expect(refOfSelection(elsewhere as NonNullable<typeof elsewhere>, registers)).toBeNull();
    expect(refOfSelection({ kind: 'sensor', id: 'SN999999' }, registers)).toBeNull();
    // A configured camera named by another window before this one has the backend's catalogue.
    expect(refOfSelection({ kind: 'camera', id: 'CM900001' }, { ...registers, cameras: cameraMarkers(city.cameras.cameras, null, () => null) })).toBeNull();
    expect(sameSelection({ kind: 'sensor', id: 'SN000001' }, { kind: 'sensor', id: 'SN000001' })).toBe(true);
    expect(sameSelection({ kind: 'sensor', id: 'SN000001' }, null)).toBe(false);
  });
});
