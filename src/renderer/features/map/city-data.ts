import type { z } from 'zod';
import { CITY_FILES_PATH } from '../../../shared/city/city-files-path.js';
import {
  CamerasFileSchema,
  CityManifestSchema,
  CrewsFileSchema,
  FleetFileSchema,
  GridCellsSidecarSchema,
  RiskSitesFileSchema,
  SensorsFileSchema,
  StreetsFileSchema,
  decodeComponentChunk,
  decodeGridCells,
  type CamerasFile,
  type CityManifest,
  type ComponentChunk,
  type ComponentChunkEntry,
  type CrewsFile,
  type FleetFile,
  type GridCells,
  type GridCellsSidecar,
  type RiskSitesFile,
  type SensorsFile,
  type StreetsFile,
} from '../../../shared/city/index.js';

/** The city's registers and grid, loaded once per window before the map's layers are built. */
export interface CityRegisters {
  readonly manifest: CityManifest;
  readonly grid: GridCells;
  readonly gridSidecar: GridCellsSidecar;
  readonly streets: StreetsFile;
  readonly riskSites: RiskSitesFile;
  readonly sensors: SensorsFile;
  readonly fleet: FleetFile;
  readonly crews: CrewsFile;
  readonly cameras: CamerasFile;
}

/** One chunk of components as the map draws it: the decoded columns plus positions interleaved for the GPU. */
export interface LoadedComponentChunk {
  readonly entry: ComponentChunkEntry;
  readonly chunk: ComponentChunk;
  /** lng, lat offsets from the chunk's origin, interleaved (the GPU reads positions as pairs). */
  readonly positions: Float32Array<ArrayBuffer>;
}

export class CityFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'CityFileError';
  }
}

async function fetchCityFile(path: string, signal: AbortSignal): Promise<Response> {
  const response = await fetch(`${CITY_FILES_PATH}${path}`, { signal });
  if (!response.ok) {
    const reason = response.status === 404 ? 'not in this city build' : (await response.text()) || `HTTP ${response.status}`;
    throw new CityFileError(path, `${path}: ${reason}`);
  }
  return response;
}

async function fetchJson<T>(path: string, schema: z.ZodType<T>, signal: AbortSignal): Promise<T> {
  const response = await fetchCityFile(path, signal);
  const parsed = schema.safeParse(await response.json());
  if (!parsed.success) throw new CityFileError(path, `${path} does not match its format (${parsed.error.issues[0]?.message ?? 'unknown'})`);
  return parsed.data;
}

export async function loadCityRegisters(signal: AbortSignal): Promise<CityRegisters> {
  const manifest = await fetchJson('manifest.json', CityManifestSchema, signal);
  const [gridBytes, gridSidecar, streets, riskSites, sensors, fleet, crews, cameras] = await Promise.all([
    fetchCityFile(manifest.grid.cellsPath, signal).then((response) => response.arrayBuffer()),
    fetchJson(manifest.grid.sidecarPath, GridCellsSidecarSchema, signal),
    fetchJson('streets.json', StreetsFileSchema, signal),
    fetchJson('risk-sites.json', RiskSitesFileSchema, signal),
    fetchJson('sensors.json', SensorsFileSchema, signal),
    fetchJson('fleet.json', FleetFileSchema, signal),
    fetchJson('crews.json', CrewsFileSchema, signal),
    fetchJson('cameras.json', CamerasFileSchema, signal),
  ]);
  let grid: GridCells;
  try {
    grid = decodeGridCells(gridBytes);
  } catch (error) {
    throw new CityFileError(manifest.grid.cellsPath, `${manifest.grid.cellsPath}: ${(error as Error).message}`);
  }
  if (grid.header.cellCount !== gridSidecar.cellCount) {
    throw new CityFileError(manifest.grid.sidecarPath, `the grid has ${grid.header.cellCount} cells but its sidecar describes ${gridSidecar.cellCount}`);
  }
  return { manifest, grid, gridSidecar, streets, riskSites, sensors, fleet, crews, cameras };
}

export function interleavePositions(chunk: ComponentChunk): Float32Array<ArrayBuffer> {
  const { lngOffset, latOffset } = chunk;
  const positions = new Float32Array(lngOffset.length * 2);
  for (let i = 0; i < lngOffset.length; i++) {
    positions[2 * i] = lngOffset[i] as number;
    positions[2 * i + 1] = latOffset[i] as number;
  }
  return positions;
}

/**
 * Fetches the component chunks a few at a time and hands each over as soon as it is decoded, so the map shows the
 * city filling in instead of waiting for all of it; a damaged chunk is reported and skipped, never fatal to the rest.
 */
export async function loadComponentChunks(
  entries: readonly ComponentChunkEntry[],
  signal: AbortSignal,
  onChunk: (loaded: LoadedComponentChunk) => void,
  onProblem: (error: CityFileError) => void,
  parallel = 3,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < entries.length && !signal.aborted) {
      const entry = entries[next++] as ComponentChunkEntry;
      try {
        const bytes = await (await fetchCityFile(entry.path, signal)).arrayBuffer();
        const chunk = decodeComponentChunk(bytes);
        if (chunk.header.count !== entry.count) throw new Error(`holds ${chunk.header.count} components, the manifest says ${entry.count}`);
        if (!signal.aborted) onChunk({ entry, chunk, positions: interleavePositions(chunk) });
      } catch (error) {
        if (signal.aborted) return;
        onProblem(error instanceof CityFileError ? error : new CityFileError(entry.path, `${entry.path}: ${(error as Error).message}`));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, entries.length) }, worker));
}
