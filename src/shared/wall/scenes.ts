import { z } from 'zod';
import { RiskSiteTypeSchema } from '../city/schemas.js';
import { RiskGradeSchema } from '../domain/feed.js';
import { LngLatSchema, type LngLat } from '../domain/geo.js';
import { RunModeSchema } from '../plans/run-model.js';

/**
 * Scenes: named presets for the whole wall (Genetec's "page sequences", Frigate's layout presets). A scene says, per
 * role, what that window shows; applying one changes every window of the console at once. The active scene travels
 * with the shared state (`shared.changed`), so a window opened later shows it too.
 */

export const videoLayoutSizes = [1, 4, 9, 16] as const;
export const VideoLayoutSizeSchema = z.union([z.literal(1), z.literal(4), z.literal(9), z.literal(16)]);
export type VideoLayoutSize = z.infer<typeof VideoLayoutSizeSchema>;

/**
 * A camera group is a filter over the camera catalogue rather than a list of camera ids, so the same scene works on
 * any city build: the cameras at risk sites of these types (and grades; none listed means every grade).
 */
export const CameraGroupSchema = z
  .object({
    siteTypes: z.array(RiskSiteTypeSchema).min(1).max(8),
    grades: z.array(RiskGradeSchema).max(4),
  })
  .strict();
export type CameraGroup = z.infer<typeof CameraGroupSchema>;

export const VideoSourceSchema = z.discriminatedUnion('kind', [
  /** The cameras nearest the incident every window is focused on. */
  z.object({ kind: z.literal('nearest-to-focus') }).strict(),
  z.object({ kind: z.literal('camera-group'), group: CameraGroupSchema }).strict(),
]);
export type VideoSource = z.infer<typeof VideoSourceSchema>;

/** What the dispatch window puts in front: the crew directory, the incident list, or the console of a plan run. */
export const dispatchPanels = ['crews', 'incidents', 'run'] as const;
export const DispatchPanelSchema = z.enum(dispatchPanels);
export type DispatchPanel = z.infer<typeof DispatchPanelSchema>;

/** What the plans window puts first: incidents to act on, the library, the run list, or the console of a run. */
export const plansPanels = ['incidents', 'library', 'runs', 'run'] as const;
export const PlansPanelSchema = z.enum(plansPanels);
export type PlansPanel = z.infer<typeof PlansPanelSchema>;

/**
 * A map layer id as the map's layer catalogue names its layers: a family ("risk-sites") or a family narrowed to one
 * key ("risk-sites:slope", "sensors:water-depth"). The map
 * shows the layers it knows and ignores others, so a scene saved for a richer map still opens on a plainer one.
 */
export const MapLayerIdSchema = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9-]*(:[a-z0-9-]+)?$/, 'a layer id is a family ("risk-sites") or a family and a key ("risk-sites:slope")');

export const SceneMapSchema = z
  .object({
    view: z.object({ center: LngLatSchema, zoom: z.number().min(3).max(20) }).strict(),
    layers: z
      .array(MapLayerIdSchema)
      .max(32)
      .refine((layers) => new Set(layers).size === layers.length, 'each layer is listed once'),
  })
  .strict();
export type SceneMap = z.infer<typeof SceneMapSchema>;

export const SceneIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a scene id is up to 40 lower-case letters, digits and "-"');

export const SceneSchema = z
  .object({
    id: SceneIdSchema,
    name: z.object({ zh: z.string().trim().min(1).max(30), en: z.string().trim().min(1).max(60) }).strict(),
    /** Consumed by the map feature: where the map looks and which layers it shows. */
    map: SceneMapSchema,
    video: z.object({ layoutSize: VideoLayoutSizeSchema, source: VideoSourceSchema }).strict(),
    dispatch: z.object({ panel: DispatchPanelSchema }).strict(),
    plans: z.object({ panel: PlansPanelSchema }).strict(),
  })
  .strict();
export type Scene = z.infer<typeof SceneSchema>;

/** A stored scene: built-in ones can be edited (their id stays), never lost. */
export const SceneEntrySchema = z.object({
  scene: SceneSchema,
  builtin: z.boolean(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type SceneEntry = z.infer<typeof SceneEntrySchema>;

/** The plan run an emergency scene stands for; the scene reverts when that run ends. */
export const SceneRunSchema = z.object({
  runId: z.string(),
  mode: RunModeSchema,
  planTitle: z.object({ zh: z.string(), en: z.string() }),
  incidentId: z.string().nullable(),
  incidentTitle: z.string().nullable(),
});
export type SceneRun = z.infer<typeof SceneRunSchema>;

/**
 * Why the scene changed. Windows act on it: a run that just started pops its console up on the plans window, while a
 * run taking the wall back from one that ended does not pull the console away from what the operator is reading.
 */
export const sceneCauses = ['start-up', 'operator', 'run-started', 'run-handover', 'run-ended'] as const;
export const SceneCauseSchema = z.enum(sceneCauses);
export type SceneCause = z.infer<typeof SceneCauseSchema>;

/** The scene the wall shows now, as applied: the definition (for an emergency, aimed at its incident), who, when and why. */
export const ActiveSceneSchema = z.object({
  scene: SceneSchema,
  appliedBy: z.string(),
  appliedAt: z.string(),
  cause: SceneCauseSchema,
  run: SceneRunSchema.nullable(),
});
export type ActiveScene = z.infer<typeof ActiveSceneSchema>;

export const NORMAL_DUTY_SCENE_ID = 'normal-duty';
/** Applied by plan runs only: it needs a run (its console, its incident) to mean anything. */
export const EMERGENCY_SCENE_ID = 'emergency';
/** Zoom at which the emergency scene shows the streets around its incident. */
const EMERGENCY_ZOOM = 15;

const CHONGQING_MAIN_CITY: LngLat = [106.55, 29.56];
const JIEFANGBEI: LngLat = [106.5772, 29.5576];

/** Seeded on first start and whenever a release adds one; an operator's edits to them are kept. */
export const builtinScenes: readonly Scene[] = [
  {
    id: NORMAL_DUTY_SCENE_ID,
    name: { zh: '日常值守', en: 'Normal duty' },
    map: {
      view: { center: CHONGQING_MAIN_CITY, zoom: 10 },
      layers: ['districts', 'rivers', 'grid', 'components', 'risk-sites', 'sensors', 'vehicles', 'vehicle-trails', 'transfer-stations', 'crews', 'incidents'],
    },
    video: { layoutSize: 9, source: { kind: 'camera-group', group: { siteTypes: ['cross-river-bridge', 'gas-station', 'crowded-place'], grades: ['red', 'orange'] } } },
    dispatch: { panel: 'crews' },
    plans: { panel: 'incidents' },
  },
  {
    id: 'flood-season',
    name: { zh: '汛期', en: 'Flood season' },
    map: {
      view: { center: CHONGQING_MAIN_CITY, zoom: 11 },
      layers: ['districts', 'rivers', 'risk-sites:waterlogging-point', 'risk-sites:slope', 'risk-sites:cross-river-bridge', 'sensors:water-depth', 'incidents'],
    },
    video: { layoutSize: 16, source: { kind: 'camera-group', group: { siteTypes: ['waterlogging-point', 'slope', 'cross-river-bridge'], grades: [] } } },
    dispatch: { panel: 'crews' },
    plans: { panel: 'library' },
  },
  {
    id: 'major-event',
    name: { zh: '重大活动', en: 'Major event' },
    map: { view: { center: JIEFANGBEI, zoom: 14 }, layers: ['districts', 'risk-sites:crowded-place', 'crews', 'vehicles', 'cameras', 'incidents'] },
    video: { layoutSize: 4, source: { kind: 'camera-group', group: { siteTypes: ['crowded-place'], grades: [] } } },
    dispatch: { panel: 'incidents' },
    plans: { panel: 'incidents' },
  },
  {
    id: EMERGENCY_SCENE_ID,
    name: { zh: '应急处置', en: 'Emergency response' },
    map: {
      view: { center: CHONGQING_MAIN_CITY, zoom: EMERGENCY_ZOOM },
      layers: ['districts', 'rivers', 'grid', 'components', 'risk-sites', 'risk-zones', 'sensors', 'cameras', 'crews', 'incidents'],
    },
    video: { layoutSize: 9, source: { kind: 'nearest-to-focus' } },
    dispatch: { panel: 'run' },
    plans: { panel: 'run' },
  },
];

/** The emergency scene aimed at a run's incident (the map centred on it); a run without an incident keeps the template's view. */
export function emergencySceneFor(template: Scene, incidentPosition: LngLat | null): Scene {
  if (!incidentPosition) return template;
  return { ...template, map: { ...template.map, view: { ...template.map.view, center: incidentPosition } } };
}
