/**
 * Synthetic video cameras (about 600) for 可视: most watch risk sites (red and orange ones first), the rest stand at
 * crossroads, which here are grid-cell corners, more of them in the dense centre. Codes follow GB/T 28181's 20-digit
 * device code; streams are names (main/sub), which the app maps to whatever media server it uses.
 */
import {
  CITY_FORMAT_VERSION,
  CamerasFileSchema,
  createRandom,
  deriveSeed,
  videoDeviceCode,
  type Camera,
  type CamerasFile,
  type RiskSitesFile,
} from '../../src/shared/city/index.js';
import { cellSampler, type CityContext, districtOfCell, offsetPoint } from './context.js';
import { round6 } from './geo.js';
import { roadName } from './names.js';

const SITE_CAMERAS = 360;
const CROSSROAD_CAMERAS = 240;
const GRADE_WEIGHT = { red: 8, orange: 4, yellow: 1.5, blue: 0.5 } as const;

export function buildCameras(ctx: CityContext, sites: RiskSitesFile): CamerasFile {
  const random = createRandom(deriveSeed(ctx.seed, 'cameras'));
  const cameras: Camera[] = [];
  const sequenceByAdcode = new Map<string, number>();
  const statutory = new Map(ctx.districts.features.map((f) => [f.properties.adcode, f.properties.statutoryAdcode]));

  const add = (camera: Omit<Camera, 'id' | 'code' | 'streams'>): void => {
    const adcode = statutory.get(camera.districtAdcode) ?? camera.districtAdcode;
    const sequence = (sequenceByAdcode.get(adcode) ?? 0) + 1;
    sequenceByAdcode.set(adcode, sequence);
    const id = `CM${String(cameras.length + 1).padStart(6, '0')}`;
    cameras.push({
      id,
      code: videoDeviceCode(adcode, sequence),
      ...camera,
      streams: { main: `${id.toLowerCase()}-main`, sub: `${id.toLowerCase()}-sub` },
    });
  };

  const watched = new Set<string>();
  const weights = sites.sites.map((s) => GRADE_WEIGHT[s.grade]);
  for (let n = 0; n < SITE_CAMERAS && watched.size < sites.sites.length; ) {
    const site = sites.sites[random.weighted(weights)];
    if (!site || watched.has(site.id)) continue;
    watched.add(site.id);
    n++;
    add({
      name: `${site.name}监控`,
      position: offsetPoint(ctx, site.position, random.range(-40, 40), random.range(-40, 40)),
      districtAdcode: site.districtAdcode,
      ptz: random.chance(0.3),
      placement: 'risk-site',
      siteId: site.id,
    });
  }

  const dense = cellSampler(ctx, (c) => 1 / Math.max(1, ctx.grid.size[c] as number) ** 2);
  for (let n = 0; n < CROSSROAD_CAMERAS; n++) {
    const cell = dense(random);
    const corner = random.int(4);
    const x = ctx.grid.cornersLngLat[cell * 8 + corner * 2] as number;
    const y = ctx.grid.cornersLngLat[cell * 8 + corner * 2 + 1] as number;
    const road = roadName(random);
    let crossing = roadName(random);
    while (crossing === road) crossing = roadName(random);
    add({
      name: `${road}与${crossing}交叉口`,
      position: [round6(x), round6(y)],
      districtAdcode: districtOfCell(ctx, cell).properties.adcode,
      ptz: random.chance(0.5),
      placement: 'crossroad',
      siteId: null,
    });
  }
  return CamerasFileSchema.parse({ formatVersion: CITY_FORMAT_VERSION, seed: ctx.seed, cameras });
}
