/**
 * Districts and the municipal outline from real sources:
 * - echarts 4.9.0 `map/json/province/chongqing.json`: 38 district/county polygons in echarts' encoded format, GCJ-02.
 * - china-geojson 1.0.0 `chong_qing_geo.json`: the pre-2011 万盛区 polygon (77 vertices), used for 万盛经开区.
 *   Measured here: its best-fit shift against the independent WGS84 outline of gmt-dcw is -0.004 E / +0.003 N, the
 *   same as echarts' GCJ-02 polygons (-0.005 / +0.002) and unlike BD-09 (about -0.011 / -0.003), so it is GCJ-02 too.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import gcoord from 'gcoord';
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';
import {
  DistrictsFileSchema,
  OutlineFileSchema,
  type DistrictKind,
  type DistrictsFile,
  type OutlineFile,
} from '../../src/shared/city/index.js';
import { round6, type LngLat, type MultiPolygonCoords } from './geo.js';
import { mapshaperRun } from './mapshaper-run.js';

const require = createRequire(import.meta.url);

/** Local code for 万盛经开区: it has no GB/T 2260 code (its towns are legally part of 綦江区, 500110). */
export const WANSHENG_ADCODE = '500190';
export const QIJIANG_ADCODE = '500110';
/** 万盛经开区 administers these streets of 綦江区 (two 街道 and eight 镇, codes as in the 统计用区划代码). */
export const WANSHENG_STREET_CODES: readonly string[] = [
  '500110004', '500110005', '500110100', '500110101', '500110102',
  '500110103', '500110104', '500110105', '500110106', '500110107',
];

/** Names fixed since the echarts data was drawn (both counties became districts in 2016). */
const RENAMED: Readonly<Record<string, { adcode: string; name: string }>> = {
  '500228': { adcode: '500155', name: '梁平区' },
  '500232': { adcode: '500156', name: '武隆区' },
};

/** Hand-written English names (Hanyu Pinyin + official type), keyed by adcode. */
const NAMES_EN: Readonly<Record<string, string>> = {
  '500101': 'Wanzhou District',
  '500102': 'Fuling District',
  '500103': 'Yuzhong District',
  '500104': 'Dadukou District',
  '500105': 'Jiangbei District',
  '500106': 'Shapingba District',
  '500107': 'Jiulongpo District',
  '500108': "Nan'an District",
  '500109': 'Beibei District',
  '500110': 'Qijiang District',
  '500111': 'Dazu District',
  '500112': 'Yubei District',
  '500113': 'Banan District',
  '500114': 'Qianjiang District',
  '500115': 'Changshou District',
  '500116': 'Jiangjin District',
  '500117': 'Hechuan District',
  '500118': 'Yongchuan District',
  '500119': 'Nanchuan District',
  '500120': 'Bishan District',
  '500151': 'Tongliang District',
  '500152': 'Tongnan District',
  '500153': 'Rongchang District',
  '500154': 'Kaizhou District',
  '500155': 'Liangping District',
  '500156': 'Wulong District',
  '500229': 'Chengkou County',
  '500230': 'Fengdu County',
  '500231': 'Dianjiang County',
  '500233': 'Zhong County',
  '500235': 'Yunyang County',
  '500236': 'Fengjie County',
  '500237': 'Wushan County',
  '500238': 'Wuxi County',
  '500240': 'Shizhu Tujia Autonomous County',
  '500241': 'Xiushan Tujia and Miao Autonomous County',
  '500242': 'Youyang Tujia and Miao Autonomous County',
  '500243': 'Pengshui Miao and Tujia Autonomous County',
  [WANSHENG_ADCODE]: 'Wansheng Economic and Technological Development Zone',
};

export const NAMED_ZONES_WITHOUT_GEOMETRY = [
  {
    name: '两江新区',
    nameEn: 'Liangjiang New Area',
    kind: 'economic-zone' as const,
    spansAdcodes: ['500105', '500109', '500112'],
    note: 'State-level new area administered across parts of 江北区, 北碚区 and 渝北区; no boundary is available offline, so it has no polygon here.',
  },
  {
    name: '高新区',
    nameEn: 'Chongqing High-tech Industrial Development Zone',
    kind: 'economic-zone' as const,
    spansAdcodes: ['500106', '500107', '500116', '500120'],
    note: 'Directly administered area of 西部（重庆）科学城 across parts of 沙坪坝区, 九龙坡区, 江津区 and 璧山区; no boundary is available offline, so it has no polygon here.',
  },
];

export interface DistrictsResult {
  readonly districts: DistrictsFile;
  readonly outline: OutlineFile;
  /** Per feature (same order as districts.features), for point lookups. */
  readonly areas: readonly MultiPolygonCoords[];
  /** Seat of each district's government (WGS84), by adcode. */
  readonly seats: ReadonlyMap<string, LngLat>;
}

/**
 * echarts' `cp` of each feature is the seat of the district government (checked against the 29 county towns: all on
 * their towns), in GCJ-02 like the polygons. 万盛经开区's seat (万盛街道) is written by hand, approximately.
 */
const WANSHENG_SEAT: LngLat = [106.92, 28.96];

interface EncodedGeometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: string[] | string[][];
  encodeOffsets: [number, number][] | [number, number][][];
}

interface EncodedGeoJson {
  UTF8Encoding?: boolean;
  UTF8Scale?: number;
  features: { id: string; properties: { name: string; cp: [number, number] }; geometry: EncodedGeometry }[];
}

/**
 * Decodes one ring of echarts' UTF-8 geo encoding (re-implemented from echarts/lib/coord/geo/parseGeoJson.js): each
 * pair of characters is a zigzag-encoded delta (char code - 64) from the previous vertex, in units of 1/scale degree.
 */
export function decodeEchartsRing(encoded: string, offset: readonly [number, number], scale: number): LngLat[] {
  const ring: LngLat[] = [];
  let prevX = offset[0];
  let prevY = offset[1];
  for (let i = 0; i + 1 < encoded.length; i += 2) {
    let x = encoded.charCodeAt(i) - 64;
    let y = encoded.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    x += prevX;
    y += prevY;
    prevX = x;
    prevY = y;
    ring.push([x / scale, y / scale]);
  }
  return ring;
}

function decodeEchartsGeo(json: EncodedGeoJson): FeatureCollection<Polygon | MultiPolygon, { adcode: string; name: string }> {
  const scale = json.UTF8Scale ?? 1024;
  if (!json.UTF8Encoding) throw new Error('expected echarts UTF8-encoded geo JSON');
  return {
    type: 'FeatureCollection',
    features: json.features.map((feature) => {
      const g = feature.geometry;
      const geometry: Polygon | MultiPolygon =
        g.type === 'Polygon'
          ? {
              type: 'Polygon',
              coordinates: (g.coordinates as string[]).map((ring, r) =>
                decodeEchartsRing(ring, (g.encodeOffsets as [number, number][])[r] ?? [0, 0], scale),
              ),
            }
          : {
              type: 'MultiPolygon',
              coordinates: (g.coordinates as string[][]).map((polygon, p) =>
                polygon.map((ring, r) =>
                  decodeEchartsRing(ring, (g.encodeOffsets as [number, number][][])[p]?.[r] ?? [0, 0], scale),
                ),
              ),
            };
      return { type: 'Feature', properties: { adcode: feature.id, name: feature.properties.name }, geometry };
    }),
  };
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

type Areal = Polygon | MultiPolygon;

function gcjToWgs84(p: LngLat): LngLat {
  const [lng, lat] = gcoord.transform([p[0], p[1]], gcoord.GCJ02, gcoord.WGS84);
  return [lng, lat];
}

function arealToWgs84(geometry: Areal): Areal {
  const ring = (r: number[][]): LngLat[] => r.map((p) => gcjToWgs84([p[0] ?? Number.NaN, p[1] ?? Number.NaN]));
  return geometry.type === 'Polygon'
    ? { type: 'Polygon', coordinates: geometry.coordinates.map(ring) }
    : { type: 'MultiPolygon', coordinates: geometry.coordinates.map((polygon) => polygon.map(ring)) };
}

/** mapshaper on polygons (its output is rounded to 6 decimals). */
function arealRun<P>(commands: string, input: Record<string, unknown>): Promise<FeatureCollection<Areal, P>> {
  return mapshaperRun<P, Areal>(commands, input);
}

function collection<P>(features: Feature<Areal, P>[]): FeatureCollection<Areal, P> {
  return { type: 'FeatureCollection', features };
}

function polygonsOf(geometry: Areal): MultiPolygonCoords {
  return (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as MultiPolygonCoords;
}

function kindOf(adcode: string): DistrictKind {
  if (adcode === WANSHENG_ADCODE) return 'economic-zone';
  return adcode.startsWith('5002') ? 'county' : 'district';
}

/**
 * Cuts 万盛经开区 out of 綦江区: the old polygon is clipped to 綦江区, and the slivers that the cut leaves between the
 * two (the coarse old line rarely meets the border exactly) go to 万盛, so the two still tile the original 綦江区.
 */
async function splitWansheng(
  qijiang: Feature<Areal, { adcode: string; name: string }>,
  wanshengGcj: Polygon | MultiPolygon,
): Promise<{ qijiang: Areal; wansheng: Areal }> {
  const wansheng: Feature<Areal> = { type: 'Feature', properties: { adcode: WANSHENG_ADCODE }, geometry: arealToWgs84(wanshengGcj) };
  const qj = collection([qijiang]);
  const clipped = await arealRun<{ adcode: string }>('-i ws.json -clip qj.json', {
    'ws.json': collection([wansheng]),
    'qj.json': qj,
  });
  const parts = await arealRun<{ partArea: number }>(
    '-i qj.json -erase ws.json -explode -each "partArea=this.area"',
    { 'qj.json': qj, 'ws.json': clipped },
  );
  const largest = parts.features.reduce((a, b) => (b.properties.partArea > a.properties.partArea ? b : a));
  const slivers = parts.features.filter((f) => f !== largest);
  const merged = await arealRun<{ adcode: string }>('-i ws.json -dissolve adcode', {
    'ws.json': collection([...clipped.features, ...slivers.map((f) => ({ ...f, properties: { adcode: WANSHENG_ADCODE } }))]),
  });
  const wsGeometry = merged.features[0]?.geometry;
  if (!wsGeometry) throw new Error('万盛 polygon vanished while cutting it out of 綦江区');
  return { qijiang: largest.geometry, wansheng: wsGeometry };
}

export async function buildDistricts(): Promise<DistrictsResult> {
  const encoded = (await readJson(require.resolve('echarts/map/json/province/chongqing.json'))) as EncodedGeoJson;
  const gcj = decodeEchartsGeo(encoded);
  const seats = new Map<string, LngLat>([[WANSHENG_ADCODE, WANSHENG_SEAT]]);
  for (const feature of encoded.features) {
    const seat = gcjToWgs84(feature.properties.cp);
    seats.set(RENAMED[feature.id]?.adcode ?? feature.id, [round6(seat[0]), round6(seat[1])]);
  }
  const wgs = collection(
    gcj.features.map((feature) => ({
      ...feature,
      properties: RENAMED[feature.properties.adcode] ?? feature.properties,
      geometry: arealToWgs84(feature.geometry),
    })),
  );
  const cleaned = await arealRun<{ adcode: string; name: string }>('-i in.json -clean', { 'in.json': wgs });

  const oldMap = (await readJson(require.resolve('china-geojson/src/geojson/chong_qing_geo.json'))) as FeatureCollection<
    Areal,
    { name: string }
  >;
  const oldWansheng = oldMap.features.find((f) => f.properties.name === '万盛区');
  const features = cleaned.features.map((f) => ({ ...f, properties: { ...f.properties, approximate: false } }));
  if (oldWansheng) {
    const at = features.findIndex((f) => f.properties.adcode === QIJIANG_ADCODE);
    const qijiang = features[at];
    if (!qijiang) throw new Error('綦江区 missing from the echarts map');
    const split = await splitWansheng(qijiang, oldWansheng.geometry);
    features[at] = { ...qijiang, geometry: split.qijiang, properties: { ...qijiang.properties, approximate: true } };
    features.push({
      type: 'Feature',
      geometry: split.wansheng,
      properties: { adcode: WANSHENG_ADCODE, name: '万盛经开区', approximate: true },
    });
  }

  // A second -clean settles the seams the cut left; areas are spherical square metres for unprojected input.
  const finished = await arealRun<{ adcode: string; name: string; approximate: boolean; areaKm2: number }>(
    '-i in.json -clean -each "areaKm2=Math.round(this.area/1e4)/100" -sort adcode',
    { 'in.json': collection(features) },
  );
  const labelPoints = (
    await mapshaperRun<{ adcode: string }, Point>('-i in.json -points inner', { 'in.json': finished })
  ).features;

  const districts = DistrictsFileSchema.parse({
    type: 'FeatureCollection',
    features: finished.features.map((f, i) => {
      const { adcode, name, approximate, areaKm2 } = f.properties;
      const label = labelPoints[i]?.geometry.coordinates;
      const nameEn = NAMES_EN[adcode];
      if (!label || !nameEn) throw new Error(`no label point or English name for ${adcode} ${name}`);
      return {
        type: 'Feature',
        id: adcode,
        properties: {
          adcode,
          statutoryAdcode: adcode === WANSHENG_ADCODE ? QIJIANG_ADCODE : adcode,
          name,
          nameEn,
          kind: kindOf(adcode),
          labelPoint: [label[0], label[1]],
          areaKm2,
          approximate,
        },
        geometry: f.geometry,
      };
    }),
  });

  const dissolved = await arealRun<Record<string, never>>('-i in.json -dissolve', { 'in.json': finished });
  const outlineGeometry = dissolved.features[0]?.geometry;
  if (!outlineGeometry) throw new Error('dissolving the districts produced no outline');
  const outline = OutlineFileSchema.parse({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { adcode: '500000', name: '重庆市', nameEn: 'Chongqing Municipality' },
        geometry: outlineGeometry,
      },
    ],
  });
  return { districts, outline, areas: districts.features.map((f) => polygonsOf(f.geometry)), seats };
}
