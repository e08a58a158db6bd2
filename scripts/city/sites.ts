/**
 * The risk list (城市治理风险清单): about 2,000 sites graded 红/橙/黄/蓝. Grades are always synthetic. Cross-river
 * bridges of the main city are real bridges at approximate positions: each hand-written estimate (WGS84, good to
 * perhaps 0.5-1 km) is moved onto the nearest point of the named river's line in rivers.geojson, so the bridge sits on
 * the river the map draws. Every other site is synthetic, placed in grid cells with more weight where its hazard lives
 * (waterlogging and slopes near the rivers, crowds in the dense centre, building sites at the edge of town), and sites
 * near a hazard are more often graded red.
 */
import {
  CITY_FORMAT_VERSION,
  createRandom,
  deriveSeed,
  RiskSitesFileSchema,
  type Random,
  type RiskSite,
  type RiskSitesFile,
  type RiskSiteType,
} from '../../src/shared/city/index.js';
import type { RiskGrade } from '../../src/shared/domain/feed.js';
import { cellCentre, cellSampler, type CityContext, districtOfCell, nearCellCentre, offsetPoint, shareByCells, streetOfCell } from './context.js';
import { LineIndex, type LngLat, metresBetween, round6 } from './geo.js';
import { JIEFANGBEI } from './grid.js';
import { roadName, shortDistrictName } from './names.js';

export const RISK_GRADES = [
  { key: 'red', zh: '红色（重大风险）', en: 'Red (major)', color: '#e5322d' },
  { key: 'orange', zh: '橙色（较大风险）', en: 'Orange (significant)', color: '#f08a24' },
  { key: 'yellow', zh: '黄色（一般风险）', en: 'Yellow (moderate)', color: '#f5c400' },
  { key: 'blue', zh: '蓝色（低风险）', en: 'Blue (low)', color: '#2f7ee6' },
] as const;

export const RISK_SITE_TYPES = [
  { key: 'cross-river-bridge', zh: '跨江桥梁', en: 'Cross-river bridge' },
  { key: 'septic-tank', zh: '化粪池', en: 'Septic tank' },
  { key: 'waterlogging-point', zh: '易涝点', en: 'Waterlogging point' },
  { key: 'slope', zh: '坡坎崖', en: 'Slope, retaining wall or cliff' },
  { key: 'gas-station', zh: '加油加气站', en: 'Fuel or gas station' },
  { key: 'gas-pipeline', zh: '燃气管网设施', en: 'Gas pipeline facility' },
  { key: 'construction-site', zh: '建筑工地', en: 'Construction site' },
  { key: 'crowded-place', zh: '人员密集场所', en: 'Crowded place' },
] as const satisfies readonly { key: RiskSiteType; zh: string; en: string }[];

/** Real bridges of the main city; `at` is a rough WGS84 estimate, snapped onto the river line. */
const REAL_BRIDGES: readonly { name: string; river: '长江' | '嘉陵江'; at: LngLat }[] = [
  { name: '朝天门长江大桥', river: '长江', at: [106.605, 29.588] },
  { name: '东水门长江大桥', river: '长江', at: [106.589, 29.557] },
  { name: '石板坡长江大桥', river: '长江', at: [106.566, 29.548] },
  { name: '菜园坝长江大桥', river: '长江', at: [106.545, 29.542] },
  { name: '鹅公岩长江大桥', river: '长江', at: [106.53, 29.513] },
  { name: '李家沱长江大桥', river: '长江', at: [106.532, 29.47] },
  { name: '马桑溪长江大桥', river: '长江', at: [106.478, 29.44] },
  { name: '大佛寺长江大桥', river: '长江', at: [106.62, 29.6] },
  { name: '寸滩长江大桥', river: '长江', at: [106.64, 29.61] },
  { name: '郭家沱长江大桥', river: '长江', at: [106.7, 29.6] },
  { name: '千厮门嘉陵江大桥', river: '嘉陵江', at: [106.582, 29.569] },
  { name: '黄花园嘉陵江大桥', river: '嘉陵江', at: [106.557, 29.566] },
  { name: '渝澳嘉陵江大桥', river: '嘉陵江', at: [106.547, 29.566] },
  { name: '嘉陵江大桥', river: '嘉陵江', at: [106.543, 29.566] },
  { name: '嘉华嘉陵江大桥', river: '嘉陵江', at: [106.525, 29.571] },
  { name: '石门嘉陵江大桥', river: '嘉陵江', at: [106.503, 29.578] },
  { name: '高家花园嘉陵江大桥', river: '嘉陵江', at: [106.468, 29.585] },
  { name: '双碑嘉陵江大桥', river: '嘉陵江', at: [106.44, 29.62] },
  { name: '蔡家嘉陵江大桥', river: '嘉陵江', at: [106.47, 29.72] },
];
const BRIDGE_SNAP_REACH_M = 2500;
/** Synthetic bridges over the big rivers near the towns. */
const SYNTHETIC_BRIDGES = 21;

const COUNTS: Readonly<Record<Exclude<RiskSiteType, 'cross-river-bridge'>, number>> = {
  'septic-tank': 500,
  'waterlogging-point': 300,
  slope: 450,
  'gas-station': 180,
  'gas-pipeline': 120,
  'construction-site': 250,
  'crowded-place': 159,
};

/** Base chances of red, orange and yellow (blue takes the rest); hazard raises red and orange. */
const GRADE_BASE: Readonly<Record<RiskSiteType, readonly [number, number, number]>> = {
  'cross-river-bridge': [0.15, 0.35, 0.35],
  'septic-tank': [0.04, 0.12, 0.34],
  'waterlogging-point': [0.06, 0.18, 0.36],
  slope: [0.06, 0.16, 0.38],
  'gas-station': [0.03, 0.12, 0.35],
  'gas-pipeline': [0.05, 0.15, 0.35],
  'construction-site': [0.04, 0.16, 0.4],
  'crowded-place': [0.08, 0.2, 0.4],
};

function grade(random: Random, type: RiskSiteType, hazard: number): RiskGrade {
  const [red, orange, yellow] = GRADE_BASE[type];
  const grades = ['red', 'orange', 'yellow', 'blue'] as const;
  return grades[random.weighted([red * (1 + 2 * hazard), orange * (1 + hazard), yellow, Math.max(0, 1 - red - orange - yellow)])] ?? 'blue';
}

const SUFFIX: Readonly<Record<Exclude<RiskSiteType, 'cross-river-bridge'>, readonly string[]>> = {
  'septic-tank': ['号化粪池'],
  'waterlogging-point': ['下穿道积水点', '路口积水点', '涵洞积水点', '低洼段积水点', '立交桥下积水点'],
  slope: ['边坡', '挡土墙', '堡坎', '危岩', '高切坡'],
  'gas-station': ['加油站', '加气站', '加油加气站'],
  'gas-pipeline': ['燃气调压站', '中压燃气阀室', '燃气管道穿越段'],
  'construction-site': ['安置房项目工地', '商住楼项目工地', '轨道交通站点工地', '市政道路工地', '学校建设工地'],
  'crowded-place': ['商圈', '广场', '农贸市场', '步行街', '客运站', '体育馆', '医院', '中学'],
};

function siteName(random: Random, type: Exclude<RiskSiteType, 'cross-river-bridge'>): string {
  const road = roadName(random);
  const suffix = random.pick(SUFFIX[type]);
  if (type === 'septic-tank') return `${road}${1 + random.int(300)}${suffix}`;
  if (type === 'slope') return `${road}${suffix}K${random.int(20)}+${String(random.int(1000)).padStart(3, '0')}`;
  return `${road}${suffix}`;
}

export function buildRiskSites(ctx: CityContext): RiskSitesFile {
  const random = createRandom(deriveSeed(ctx.seed, 'risk-sites'));
  const sites: Omit<RiskSite, 'id'>[] = [];
  const riverIndex = new LineIndex(ctx.frame, ctx.rivers);

  const bridge = (name: string, at: LngLat, river: string, synthetic: boolean): boolean => {
    const on = riverIndex.nearest(at, BRIDGE_SNAP_REACH_M, (line) => ctx.rivers[line]?.name === river);
    const line = on ? ctx.rivers[on.line] : undefined;
    if (!on || !line) return false;
    const position: LngLat = [round6(on.point[0]), round6(on.point[1])];
    const district = ctx.areaIndex.locate(position[0], position[1]);
    const feature = ctx.districts.features[district];
    if (!feature) return false;
    // The deck crosses the river line at right angles, reaching well past the banks.
    const half = line.halfWidth * 1.6;
    const [dx, dy] = on.direction;
    const span: [LngLat, LngLat] = [offsetPoint(ctx, position, dy * half, -dx * half), offsetPoint(ctx, position, -dy * half, dx * half)];
    sites.push({
      name,
      type: 'cross-river-bridge',
      grade: grade(random, 'cross-river-bridge', 1),
      position,
      districtAdcode: feature.properties.adcode,
      streetCode: nearestStreet(ctx, district, position),
      cellIndex: null,
      synthetic,
      approximate: !synthetic,
      river,
      span,
    });
    return true;
  };
  for (const b of REAL_BRIDGES) {
    if (!bridge(b.name, b.at, b.river, false)) throw new Error(`${b.name} is not within ${BRIDGE_SNAP_REACH_M} m of the ${b.river} line`);
  }
  // Synthetic bridges: near town cells that lie close to a named river.
  const riverside = cellSampler(ctx, (c) => ((ctx.waterDistance[c] as number) < 600 && (ctx.grid.size[c] as number) >= 150 ? 1 : 0));
  for (let made = 0, tries = 0; made < SYNTHETIC_BRIDGES && tries < 2000; tries++) {
    const cell = riverside(random);
    const near = riverIndex.nearest(cellCentre(ctx, cell), 1500, (line) => ctx.rivers[line]?.name !== null);
    const river = near ? ctx.rivers[near.line]?.name : null;
    if (!near || !river) continue;
    if (sites.some((s) => s.span && metresBetween(s.position, near.point) < 1500)) continue;
    const name = `${shortDistrictName(districtOfCell(ctx, cell).properties.name)}${river}${made + 1}号桥`;
    if (bridge(name, near.point, river, true)) made++;
  }

  const jfbX = ctx.frame.x(JIEFANGBEI[0]);
  const jfbY = ctx.frame.y(JIEFANGBEI[1]);
  const fromCentre = (c: number): number => Math.hypot((ctx.grid.centreX[c] as number) - jfbX, (ctx.grid.centreY[c] as number) - jfbY);
  const nearWater = (c: number): number => Math.max(0, 1 - (ctx.waterDistance[c] as number) / 1500);
  const placement: Readonly<Record<keyof typeof COUNTS, { weight: (c: number) => number; hazard: (c: number) => number }>> = {
    'septic-tank': { weight: (c) => ctx.grid.areaM2[c] as number, hazard: (c) => ((ctx.grid.size[c] as number) <= 100 ? 0.5 : 0) },
    'waterlogging-point': { weight: (c) => (ctx.grid.areaM2[c] as number) * (0.3 + 3 * nearWater(c)), hazard: nearWater },
    slope: { weight: (c) => (ctx.grid.areaM2[c] as number) * (0.6 + 2 * nearWater(c)), hazard: nearWater },
    'gas-station': { weight: (c) => ctx.grid.areaM2[c] as number, hazard: () => 0 },
    'gas-pipeline': { weight: (c) => ctx.grid.areaM2[c] as number, hazard: (c) => ((ctx.grid.size[c] as number) <= 100 ? 0.4 : 0) },
    'construction-site': { weight: (c) => (ctx.grid.areaM2[c] as number) * ((ctx.grid.size[c] as number) >= 200 ? 3 : 1), hazard: () => 0 },
    'crowded-place': { weight: (c) => 1 / Math.max(1, ctx.grid.size[c] as number) ** 1.5, hazard: (c) => Math.max(0, 1 - fromCentre(c) / 6000) },
  };

  sites.push(...crowdedLandmarks(ctx, random));
  for (const [type, total] of Object.entries(COUNTS) as [keyof typeof COUNTS, number][]) {
    const rule = placement[type];
    const perDistrict = shareByCells(ctx, total);
    perDistrict.forEach((count, d) => {
      if (count === 0) return;
      const pick = cellSampler(ctx, rule.weight, ctx.grid.districtStart[d], ctx.grid.districtStart[d + 1]);
      for (let n = 0; n < count; n++) {
        const cell = pick(random);
        sites.push({
          name: siteName(random, type),
          type,
          grade: grade(random, type, rule.hazard(cell)),
          position: nearCellCentre(ctx, cell, random, random.range(0, 0.3 * (ctx.grid.size[cell] as number))),
          districtAdcode: districtOfCell(ctx, cell).properties.adcode,
          streetCode: streetOfCell(ctx, cell).code,
          cellIndex: cell,
          synthetic: true,
          approximate: false,
          river: null,
          span: null,
        });
      }
    });
  }

  const withIds: RiskSite[] = sites.map((s, i) => ({ id: `RS${String(i + 1).padStart(6, '0')}`, ...s }));
  return RiskSitesFileSchema.parse({
    formatVersion: CITY_FORMAT_VERSION,
    seed: ctx.seed,
    grades: RISK_GRADES,
    types: RISK_SITE_TYPES,
    sites: withIds,
  });
}

/** 解放碑 itself (the brief's coordinates), a real crowded place. */
function crowdedLandmarks(ctx: CityContext, random: Random): Omit<RiskSite, 'id'>[] {
  const district = ctx.areaIndex.locate(JIEFANGBEI[0], JIEFANGBEI[1]);
  const feature = ctx.districts.features[district];
  if (!feature) return [];
  return [
    {
      name: '解放碑步行街',
      type: 'crowded-place',
      grade: grade(random, 'crowded-place', 1),
      position: [JIEFANGBEI[0], JIEFANGBEI[1]],
      districtAdcode: feature.properties.adcode,
      streetCode: nearestStreet(ctx, district, JIEFANGBEI),
      cellIndex: nearestCell(ctx, district, JIEFANGBEI),
      synthetic: false,
      approximate: true,
      river: null,
      span: null,
    },
  ];
}

function nearestCell(ctx: CityContext, district: number, p: LngLat): number | null {
  const x = ctx.frame.x(p[0]);
  const y = ctx.frame.y(p[1]);
  let best: number | null = null;
  let bestD = Infinity;
  for (let c = ctx.grid.districtStart[district] as number; c < (ctx.grid.districtStart[district + 1] as number); c++) {
    const d = Math.hypot((ctx.grid.centreX[c] as number) - x, (ctx.grid.centreY[c] as number) - y);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function nearestStreet(ctx: CityContext, district: number, p: LngLat): string | null {
  const cell = nearestCell(ctx, district, p);
  return cell === null ? null : streetOfCell(ctx, cell).code;
}
