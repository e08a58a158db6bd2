/**
 * Schemas of every JSON file the city build writes. All coordinates are WGS84 [lng, lat] (EPSG:4326); anything imported
 * from GCJ-02 or BD-09 sources has been converted before it reaches these files.
 */
import { z } from 'zod';
import { RiskGradeSchema } from '../domain/feed.js';
import { LngLatSchema } from '../domain/geo.js';

/** Bump when any file's layout or meaning changes; the app rebuilds when the manifest's version differs. */
export const CITY_FORMAT_VERSION = 1;

/** [west, south, east, north] */
export const BboxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);
export type BBox = z.infer<typeof BboxSchema>;

export const AdcodeSchema = z.string().regex(/^\d{6}$/);
export const StreetCodeSchema = z.string().regex(/^\d{9}$/);
export const CommunityCodeSchema = z.string().regex(/^\d{12}$/);

const FormatVersionSchema = z.literal(CITY_FORMAT_VERSION);

// ---- GeoJSON (only the shapes the build writes) ----
const RingSchema = z.array(LngLatSchema).min(4);
const PolygonSchema = z.object({ type: z.literal('Polygon'), coordinates: z.array(RingSchema).min(1) });
const MultiPolygonSchema = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(RingSchema).min(1)).min(1),
});
const ArealGeometrySchema = z.discriminatedUnion('type', [PolygonSchema, MultiPolygonSchema]);
export type ArealGeometry = z.infer<typeof ArealGeometrySchema>;

// ---- districts.geojson, outline.geojson (real) ----
export const DistrictKindSchema = z.enum(['district', 'county', 'economic-zone']);
export type DistrictKind = z.infer<typeof DistrictKindSchema>;

export const DistrictPropertiesSchema = z.object({
  /** Key of the district everywhere in the city data. GB/T 2260 code, except 万盛经开区's local code (see manifest). */
  adcode: AdcodeSchema,
  /** GB/T 2260 county code used as the prefix of street, grid and component codes (万盛经开区: 500110, 綦江区). */
  statutoryAdcode: AdcodeSchema,
  name: z.string().min(1),
  nameEn: z.string().min(1),
  kind: DistrictKindSchema,
  /** A point inside the polygon, for the label. */
  labelPoint: LngLatSchema,
  areaKm2: z.number().positive(),
  /** The boundary is known to be rough (万盛经开区 and the 綦江区 edge cut from it). */
  approximate: z.boolean(),
});
export type DistrictProperties = z.infer<typeof DistrictPropertiesSchema>;

export const DistrictFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: AdcodeSchema,
  properties: DistrictPropertiesSchema,
  geometry: ArealGeometrySchema,
});
export type DistrictFeature = z.infer<typeof DistrictFeatureSchema>;

export const DistrictsFileSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(DistrictFeatureSchema).min(1),
});
export type DistrictsFile = z.infer<typeof DistrictsFileSchema>;

export const OutlineFileSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z
    .array(
      z.object({
        type: z.literal('Feature'),
        properties: z.object({ adcode: AdcodeSchema, name: z.string(), nameEn: z.string() }),
        geometry: ArealGeometrySchema,
      }),
    )
    .length(1),
});
export type OutlineFile = z.infer<typeof OutlineFileSchema>;

// ---- rivers.geojson (real) ----
export const RiverPropertiesSchema = z.object({
  /** Null for rivers the build could not name. */
  name: z.string().nullable(),
  nameEn: z.string().nullable(),
  /** GSHHG/WDBII river level: 1 permanent major, 2 additional major, 3 additional, 4 minor. */
  level: z.number().int().min(1).max(4),
});
export type RiverProperties = z.infer<typeof RiverPropertiesSchema>;

export const RiversFileSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      properties: RiverPropertiesSchema,
      geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(LngLatSchema).min(2) }),
    }),
  ),
});
export type RiversFile = z.infer<typeof RiversFileSchema>;

// ---- streets.json (real names and codes, synthetic anchors) ----
export const StreetKindSchema = z.enum(['subdistrict', 'town', 'township']);
export type StreetKind = z.infer<typeof StreetKindSchema>;

export const CommunitySchema = z.object({
  code: CommunityCodeSchema,
  name: z.string().min(1),
  /** 居民委员会 (urban community) or 村民委员会 (village). */
  kind: z.enum(['residential', 'village']),
});
export type Community = z.infer<typeof CommunitySchema>;

export const StreetSchema = z.object({
  code: StreetCodeSchema,
  name: z.string().min(1),
  kind: StreetKindSchema,
  /** Seeded point inside the district: the real seat of the street is not available offline. */
  anchor: LngLatSchema,
  anchorSynthetic: z.literal(true),
  communities: z.array(CommunitySchema),
});
export type Street = z.infer<typeof StreetSchema>;

export const StreetsFileSchema = z.object({
  formatVersion: FormatVersionSchema,
  seed: z.number().int(),
  districts: z.array(
    z.object({
      adcode: AdcodeSchema,
      name: z.string(),
      streets: z.array(StreetSchema),
    }),
  ),
});
export type StreetsFile = z.infer<typeof StreetsFileSchema>;

// ---- grid/cells.json (synthetic; geometry in grid/cells.bin) ----
export const GridCellsSidecarSchema = z.object({
  formatVersion: FormatVersionSchema,
  seed: z.number().int(),
  synthetic: z.literal(true),
  cellCount: z.number().int().nonnegative(),
  /** Lookup tables the per-cell index columns point into. */
  districts: z.array(AdcodeSchema),
  streets: z.array(StreetCodeSchema),
  /** Per cell index. */
  districtIndex: z.array(z.number().int().nonnegative()),
  streetIndex: z.array(z.number().int().nonnegative()),
  codes: z.array(z.string().regex(/^\d{15}$/)),
  areaM2: z.array(z.number().nonnegative()),
});
export type GridCellsSidecar = z.infer<typeof GridCellsSidecarSchema>;

// ---- risk-sites.json (synthetic, plus real bridges at approximate positions) ----
export const RiskSiteTypeSchema = z.enum([
  'cross-river-bridge',
  'septic-tank',
  'waterlogging-point',
  'slope',
  'gas-station',
  'gas-pipeline',
  'construction-site',
  'crowded-place',
]);
export type RiskSiteType = z.infer<typeof RiskSiteTypeSchema>;

export const RiskSiteSchema = z.object({
  id: z.string().regex(/^RS\d{6}$/),
  name: z.string().min(1),
  type: RiskSiteTypeSchema,
  /** Always synthetic, also for real bridges. */
  grade: RiskGradeSchema,
  position: LngLatSchema,
  districtAdcode: AdcodeSchema,
  streetCode: StreetCodeSchema.nullable(),
  /** Grid cell the site stands in; null for sites on the water (bridges). */
  cellIndex: z.number().int().nonnegative().nullable(),
  /** False for real places (named bridges, 解放碑), whose position is then approximate. */
  synthetic: z.boolean(),
  approximate: z.boolean(),
  river: z.string().nullable(),
  /** Bridges: the two ends of the deck across the river line. */
  span: z.tuple([LngLatSchema, LngLatSchema]).nullable(),
});
export type RiskSite = z.infer<typeof RiskSiteSchema>;

const labelled = <T extends z.ZodType>(key: T) => z.object({ key, zh: z.string(), en: z.string() });

export const RiskSitesFileSchema = z.object({
  formatVersion: FormatVersionSchema,
  seed: z.number().int(),
  grades: z.array(labelled(RiskGradeSchema).extend({ color: z.string().regex(/^#[0-9a-f]{6}$/) })),
  types: z.array(labelled(RiskSiteTypeSchema)),
  sites: z.array(RiskSiteSchema),
});
export type RiskSitesFile = z.infer<typeof RiskSitesFileSchema>;

// ---- sensors.json (synthetic) ----
export const SensorKindSchema = z.enum([
  'bridge-strain',
  'bridge-displacement',
  'septic-methane',
  'water-depth',
  'slope-displacement',
  'gas-concentration',
  'station-load',
]);
export type SensorKind = z.infer<typeof SensorKindSchema>;

export const SensorSchema = z.object({
  id: z.string().regex(/^SN\d{6}$/),
  kind: SensorKindSchema,
  name: z.string(),
  /** A risk site (RS...) or a garbage transfer station (TS...). */
  siteId: z.string().regex(/^(RS|TS)\d{6}$/),
  position: LngLatSchema,
  districtAdcode: AdcodeSchema,
  unit: z.string(),
  normalRange: z.tuple([z.number(), z.number()]),
  warning: z.number(),
  alarm: z.number(),
  /** 'above': value > threshold; 'absolute': |value| > threshold (strain, deflection). */
  compare: z.enum(['above', 'absolute']),
  samplePeriodS: z.number().int().positive(),
});
export type Sensor = z.infer<typeof SensorSchema>;

export const SensorsFileSchema = z.object({
  formatVersion: FormatVersionSchema,
  seed: z.number().int(),
  kinds: z.array(labelled(SensorKindSchema).extend({ unit: z.string() })),
  sensors: z.array(SensorSchema),
});
export type SensorsFile = z.infer<typeof SensorsFileSchema>;

// ---- fleet.json (synthetic) ----
export const VehicleTypeSchema = z.enum(['sweeper', 'compactor', 'sprinkler', 'kitchen-waste']);
export type VehicleType = z.infer<typeof VehicleTypeSchema>;

export const DepotSchema = z.object({
  id: z.string().regex(/^DP\d{6}$/),
  name: z.string(),
  position: LngLatSchema,
  districtAdcode: AdcodeSchema,
  capacity: z.number().int().positive(),
});
export type Depot = z.infer<typeof DepotSchema>;

export const TransferStationSchema = z.object({
  id: z.string().regex(/^TS\d{6}$/),
  name: z.string(),
  position: LngLatSchema,
  districtAdcode: AdcodeSchema,
  streetCode: StreetCodeSchema,
  capacityTonnesPerDay: z.number().int().positive(),
});
export type TransferStation = z.infer<typeof TransferStationSchema>;

export const VehicleSchema = z.object({
  id: z.string().regex(/^VH\d{6}$/),
  /** Synthetic 渝A plate; new-energy vehicles carry D (battery) in third place, as on real green plates. */
  plate: z.string().regex(/^渝A[0-9A-Z]{5,6}$/),
  type: VehicleTypeSchema,
  districtAdcode: AdcodeSchema,
  depotId: z.string().regex(/^DP\d{6}$/),
  energy: z.enum(['electric', 'diesel', 'natural-gas']),
  payloadTonnes: z.number().positive(),
  gpsDeviceId: z.string(),
});
export type Vehicle = z.infer<typeof VehicleSchema>;

export const FleetFileSchema = z.object({
  formatVersion: FormatVersionSchema,
  seed: z.number().int(),
  vehicleTypes: z.array(labelled(VehicleTypeSchema)),
  depots: z.array(DepotSchema),
  transferStations: z.array(TransferStationSchema),
  vehicles: z.array(VehicleSchema),
});
export type FleetFile = z.infer<typeof FleetFileSchema>;

// ---- crews.json (synthetic) ----
export const CrewSpecialitySchema = z.enum([
  'sanitation',
  'municipal',
  'drainage',
  'gas',
  'bridge',
  'grid-patrol',
  'emergency',
]);
export type CrewSpeciality = z.infer<typeof CrewSpecialitySchema>;

export const CrewRecordSchema = z.object({
  id: z.string().regex(/^CR\d{4}$/),
  name: z.string(),
  speciality: CrewSpecialitySchema,
  districtAdcode: AdcodeSchema,
  streetCode: StreetCodeSchema.nullable(),
  leader: z.string(),
  /** Synthetic, in the unallocated 100 prefix so that it can never reach a real subscriber. */
  phone: z.string().regex(/^100\d{8}$/),
  sipExtension: z.string().regex(/^6\d{3}$/),
  memberCount: z.number().int().positive(),
  skills: z.array(z.string()),
  base: LngLatSchema,
  onDuty: z.boolean(),
});
export type CrewRecord = z.infer<typeof CrewRecordSchema>;

export const CrewGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['district', 'speciality']),
  /** District adcode or speciality key. */
  key: z.string(),
  /** Extension that rings the whole group. */
  sipExtension: z.string().regex(/^8\d{3}$/),
  crewIds: z.array(z.string()),
});
export type CrewGroup = z.infer<typeof CrewGroupSchema>;

export const CrewRoleSchema = z.object({
  key: z.string(),
  zh: z.string(),
  en: z.string(),
  /** What the role may do in dispatch. */
  permissions: z.array(z.enum(['view', 'call', 'dispatch', 'command', 'report'])),
});
export type CrewRole = z.infer<typeof CrewRoleSchema>;

export const CrewsFileSchema = z.object({
  formatVersion: FormatVersionSchema,
  seed: z.number().int(),
  specialities: z.array(labelled(CrewSpecialitySchema)),
  skills: z.array(labelled(z.string())),
  roles: z.array(CrewRoleSchema),
  crews: z.array(CrewRecordSchema),
  groups: z.array(CrewGroupSchema),
});
export type CrewsFile = z.infer<typeof CrewsFileSchema>;

// ---- cameras.json (synthetic) ----
export const CameraSchema = z.object({
  id: z.string().regex(/^CM\d{6}$/),
  /** GB/T 28181 20-digit device code. */
  code: z.string().regex(/^\d{20}$/),
  name: z.string(),
  position: LngLatSchema,
  districtAdcode: AdcodeSchema,
  ptz: z.boolean(),
  placement: z.enum(['risk-site', 'crossroad']),
  siteId: z.string().regex(/^RS\d{6}$/).nullable(),
  /** Stream names, not URLs: the app maps names to URLs of whatever media server it uses. */
  streams: z.object({ main: z.string(), sub: z.string() }),
});
export type Camera = z.infer<typeof CameraSchema>;

export const CamerasFileSchema = z.object({
  formatVersion: FormatVersionSchema,
  seed: z.number().int(),
  cameras: z.array(CameraSchema),
});
export type CamerasFile = z.infer<typeof CamerasFileSchema>;

// ---- manifest.json (written last) ----
export const CitySourceSchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  licence: z.string(),
  url: z.string(),
  taken: z.string(),
  transform: z.string(),
});
export type CitySource = z.infer<typeof CitySourceSchema>;

export const CityFileEntrySchema = z.object({
  /** Relative to the manifest's folder, '/' separated. */
  path: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Whether the file's content is (at least partly) synthetic. */
  synthetic: z.boolean(),
  description: z.string(),
});
export type CityFileEntry = z.infer<typeof CityFileEntrySchema>;

export const ComponentChunkEntrySchema = z.object({
  path: z.string(),
  index: z.number().int().nonnegative(),
  districtAdcode: AdcodeSchema,
  codeAdcode: AdcodeSchema,
  count: z.number().int().nonnegative(),
  bbox: BboxSchema,
  byteLength: z.number().int().positive(),
  /** The chunk's components stand in grid cells [firstCell, firstCell + cellCount). */
  firstCell: z.number().int().nonnegative(),
  cellCount: z.number().int().nonnegative(),
});
export type ComponentChunkEntry = z.infer<typeof ComponentChunkEntrySchema>;

export const NamedZoneSchema = z.object({
  name: z.string(),
  nameEn: z.string(),
  kind: DistrictKindSchema,
  /** Districts the zone lies in (it is administered across them and has no boundary of its own here). */
  spansAdcodes: z.array(AdcodeSchema),
  note: z.string(),
});

export const CityManifestSchema = z.object({
  formatVersion: FormatVersionSchema,
  generator: z.literal('zhili-city-build'),
  seed: z.number().int(),
  componentCount: z.number().int().nonnegative(),
  crs: z.literal('EPSG:4326'),
  bbox: BboxSchema,
  /** 解放碑, the centre of the synthetic density. */
  center: LngLatSchema,
  sources: z.array(CitySourceSchema),
  /** Caveats for the About panel (indicative boundaries, what is synthetic). */
  notes: z.array(z.string()),
  /** Codes in districts.geojson that are not GB/T 2260 codes, with why. */
  localAdcodes: z.array(z.object({ adcode: AdcodeSchema, name: z.string(), note: z.string() })),
  namedZonesWithoutGeometry: z.array(NamedZoneSchema),
  files: z.array(CityFileEntrySchema),
  grid: z.object({
    cellsPath: z.string(),
    sidecarPath: z.string(),
    cellCount: z.number().int().nonnegative(),
    areaKm2: z.number().nonnegative(),
  }),
  components: z.object({
    chunkMaxCount: z.number().int().positive(),
    bytesPerComponent: z.number().int().positive(),
    chunks: z.array(ComponentChunkEntrySchema),
  }),
  counts: z.object({
    districts: z.number().int(),
    streets: z.number().int(),
    communities: z.number().int(),
    gridCells: z.number().int(),
    components: z.number().int(),
    riskSites: z.number().int(),
    sensors: z.number().int(),
    depots: z.number().int(),
    transferStations: z.number().int(),
    vehicles: z.number().int(),
    crews: z.number().int(),
    cameras: z.number().int(),
  }),
});
export type CityManifest = z.infer<typeof CityManifestSchema>;

export interface CityBuildRequest {
  readonly seed: number;
  readonly componentCount: number;
}

/** True when `value` is a valid manifest of this format version built for `request`; else the app must rebuild. */
export function manifestMatches(value: unknown, request: CityBuildRequest): value is CityManifest {
  const parsed = CityManifestSchema.safeParse(value);
  return (
    parsed.success && parsed.data.seed === request.seed && parsed.data.componentCount === request.componentCount
  );
}
