import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { ApiFailure, apiError } from '../../../shared/contract/errors.js';
import { FeatureCollectionSchema, type Basemap, type CityAbout } from '../../../shared/domain/basemap.js';
import {
  CityManifestSchema,
  CrewsFileSchema,
  RiskSitesFileSchema,
  type CityManifest,
  type CrewGroup,
  type RiskSite,
  type RiskSitesFile,
} from '../../../shared/city/index.js';
import type { Logger } from '../../../node/logger.js';

const CITY_MANIFEST_FILE = 'manifest.json';

/**
 * Reads the built demo city for the map and the About panel. Files are read once, on first use, and checked against
 * their schemas: a missing or damaged build is an `unavailable` error with the command that rebuilds it.
 */
export class CityFiles {
  private basemapCache: Basemap | null = null;
  private manifestCache: CityManifest | null = null;
  private riskSitesCache: RiskSitesFile | null = null;
  private crewGroupsCache: readonly CrewGroup[] | null = null;

  constructor(
    private readonly cityDir: string,
    private readonly logger: Logger,
  ) {}

  basemap(): Basemap {
    this.basemapCache ??= {
      districts: this.read('districts.geojson', FeatureCollectionSchema),
      outline: this.read('outline.geojson', FeatureCollectionSchema),
      rivers: this.read('rivers.geojson', FeatureCollectionSchema),
    };
    return this.basemapCache;
  }

  about(): CityAbout {
    this.manifestCache ??= this.read(CITY_MANIFEST_FILE, CityManifestSchema);
    return aboutFromManifest(this.manifestCache);
  }

  /**
   * The absolute path of a city file a window may fetch as is (`/city/<path>` on both hosts), or null when `path` is
   * not a file of this build. Only files the manifest lists are served, so no other path under the city folder (or
   * outside it) can be reached.
   */
  servedFilePath(path: string): string | null {
    if (path === CITY_MANIFEST_FILE) return join(this.cityDir, CITY_MANIFEST_FILE);
    this.manifestCache ??= this.read(CITY_MANIFEST_FILE, CityManifestSchema);
    return this.manifestCache.files.some((file) => file.path === path) ? join(this.cityDir, ...path.split('/')) : null;
  }

  /** The risk list, read once. */
  riskSites(): readonly RiskSite[] {
    this.riskSitesCache ??= this.read('risk-sites.json', RiskSitesFileSchema);
    return this.riskSitesCache.sites;
  }

  /** The directory's call groups, read once. */
  crewGroups(): readonly CrewGroup[] {
    this.crewGroupsCache ??= this.read('crews.json', CrewsFileSchema).groups;
    return this.crewGroupsCache;
  }

  private read<T>(file: string, schema: z.ZodType<T>): T {
    const path = join(this.cityDir, file);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      this.logger.warn('city file unreadable', { path, error });
      throw new ApiFailure(apiError('unavailable', `The city data file ${path} is missing or unreadable: run \`npm run build:data\`.`));
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      this.logger.warn('city file does not match its schema', { path, issues: parsed.error.issues.slice(0, 5) });
      throw new ApiFailure(apiError('unavailable', `The city data file ${path} has an unexpected format: run \`npm run build:data\`.`));
    }
    return parsed.data;
  }
}

/** Real sources first, then one line per synthetic layer (component chunks folded into one). */
export function aboutFromManifest(manifest: CityManifest): CityAbout {
  const synthetic = new Map<string, string>();
  for (const file of manifest.files) {
    if (!file.synthetic) continue;
    const layer = file.path.includes('/') ? `${file.path.split('/')[0]}/` : file.path;
    if (!synthetic.has(layer)) synthetic.set(layer, file.description);
  }
  return {
    seed: manifest.seed,
    componentCount: manifest.componentCount,
    sources: [
      ...manifest.sources.map((source) => ({
        name: `${source.name} ${source.version}`,
        licence: source.licence,
        used: `${source.taken}; ${source.transform}`,
        synthetic: false,
      })),
      ...[...synthetic].map(([layer, description]) => ({ name: layer, licence: 'Zhili', used: description, synthetic: true })),
    ],
    notes: manifest.namedZonesWithoutGeometry.map((zone) => `${zone.name} (${zone.nameEn}): ${zone.note}`),
  };
}
