/**
 * Synthetic frontline crews (about 400) for 直呼一线: each with a leader, a phone number that cannot ring anyone, a SIP
 * extension (6001-6999), skills, a home district and base, and an on-duty flag; plus call groups by district and by
 * speciality (extensions 8001 up) and the roles of the people in the dispatch chain. Grid patrol teams (网格员) belong
 * to one street; the other crews to a district.
 */
import {
  CITY_FORMAT_VERSION,
  CrewsFileSchema,
  createRandom,
  deriveSeed,
  type CrewGroup,
  type CrewRecord,
  type CrewRole,
  type CrewSpeciality,
  type CrewsFile,
} from '../../src/shared/city/index.js';
import { cellSampler, type CityContext, nearCellCentre, shareByCells, streetOfCell } from './context.js';
import { personName, phone, shortDistrictName } from './names.js';

export const CREW_SPECIALITIES = [
  { key: 'grid-patrol', zh: '网格巡查', en: 'Grid patrol' },
  { key: 'sanitation', zh: '环卫作业', en: 'Sanitation' },
  { key: 'municipal', zh: '市政设施维护', en: 'Municipal facilities' },
  { key: 'drainage', zh: '排水抢修', en: 'Drainage repair' },
  { key: 'gas', zh: '燃气抢险', en: 'Gas emergency' },
  { key: 'bridge', zh: '桥梁养护', en: 'Bridge maintenance' },
  { key: 'emergency', zh: '应急救援', en: 'Emergency rescue' },
] as const satisfies readonly { key: CrewSpeciality; zh: string; en: string }[];

export const CREW_SKILLS = [
  { key: 'grid-inspection', zh: '网格巡查', en: 'Grid inspection' },
  { key: 'case-reporting', zh: '案件上报', en: 'Case reporting' },
  { key: 'street-cleaning', zh: '道路清扫', en: 'Street cleaning' },
  { key: 'waste-collection', zh: '垃圾清运', en: 'Waste collection' },
  { key: 'manhole-repair', zh: '井盖维修', en: 'Manhole repair' },
  { key: 'road-repair', zh: '道路修补', en: 'Road repair' },
  { key: 'lighting-repair', zh: '路灯维修', en: 'Street-light repair' },
  { key: 'drain-dredging', zh: '管道疏通', en: 'Drain dredging' },
  { key: 'flood-pumping', zh: '排涝抽水', en: 'Flood pumping' },
  { key: 'confined-space', zh: '有限空间作业', en: 'Confined-space work' },
  { key: 'gas-leak', zh: '燃气泄漏处置', en: 'Gas-leak response' },
  { key: 'bridge-inspection', zh: '桥梁检测', en: 'Bridge inspection' },
  { key: 'slope-rescue', zh: '边坡抢险', en: 'Slope rescue' },
  { key: 'traffic-control', zh: '交通疏导', en: 'Traffic control' },
  { key: 'first-aid', zh: '急救', en: 'First aid' },
] as const;

type SkillKey = (typeof CREW_SKILLS)[number]['key'];

interface SpecialityRule {
  readonly count: number;
  readonly members: readonly [number, number];
  readonly skills: readonly SkillKey[];
  /** Measure word of the crew's name: 组, 队 or 班. */
  readonly unit: string;
}

const SPECIALITY_RULES: Readonly<Record<CrewSpeciality, SpecialityRule>> = {
  'grid-patrol': { count: 130, members: [3, 6], skills: ['grid-inspection', 'case-reporting', 'traffic-control'], unit: '组' },
  sanitation: { count: 80, members: [8, 20], skills: ['street-cleaning', 'waste-collection'], unit: '队' },
  municipal: { count: 60, members: [4, 10], skills: ['manhole-repair', 'road-repair', 'lighting-repair'], unit: '班' },
  drainage: { count: 50, members: [5, 12], skills: ['drain-dredging', 'flood-pumping', 'confined-space', 'manhole-repair'], unit: '队' },
  gas: { count: 30, members: [4, 8], skills: ['gas-leak', 'confined-space', 'first-aid'], unit: '队' },
  bridge: { count: 12, members: [4, 8], skills: ['bridge-inspection', 'traffic-control'], unit: '组' },
  emergency: {
    count: 38,
    members: [10, 30],
    skills: ['slope-rescue', 'flood-pumping', 'first-aid', 'traffic-control', 'confined-space'],
    unit: '队',
  },
};

/** Districts whose crews look after the cross-river bridges of the main city. */
const BRIDGE_DISTRICTS = ['500103', '500105', '500106', '500107', '500108', '500104', '500113'];

export const CREW_ROLES: readonly CrewRole[] = [
  { key: 'commander', zh: '指挥长', en: 'Commander', permissions: ['view', 'call', 'dispatch', 'command'] },
  { key: 'duty-officer', zh: '值班长', en: 'Duty officer', permissions: ['view', 'call', 'dispatch', 'command'] },
  { key: 'dispatcher', zh: '调度员', en: 'Dispatcher', permissions: ['view', 'call', 'dispatch'] },
  { key: 'crew-leader', zh: '班组长', en: 'Crew leader', permissions: ['view', 'call', 'report'] },
  { key: 'grid-worker', zh: '网格员', en: 'Grid worker', permissions: ['view', 'call', 'report'] },
  { key: 'field-worker', zh: '作业人员', en: 'Field worker', permissions: ['view', 'report'] },
];

const FIRST_CREW_EXTENSION = 6001;
const FIRST_GROUP_EXTENSION = 8001;
const ON_DUTY_SHARE = 0.75;

/** Bridge crews split evenly over the districts on the main city's rivers. */
function bridgeShare(ctx: CityContext, count: number): number[] {
  let seen = 0;
  return ctx.districts.features.map((f) => {
    if (!BRIDGE_DISTRICTS.includes(f.properties.adcode)) return 0;
    seen++;
    return Math.floor((count * seen) / BRIDGE_DISTRICTS.length) - Math.floor((count * (seen - 1)) / BRIDGE_DISTRICTS.length);
  });
}

export function buildCrews(ctx: CityContext): CrewsFile {
  const random = createRandom(deriveSeed(ctx.seed, 'crews'));
  const crews: CrewRecord[] = [];
  const phones = new Set<string>();
  for (const { key: speciality, zh } of CREW_SPECIALITIES) {
    const rule = SPECIALITY_RULES[speciality];
    const share = speciality === 'bridge' ? bridgeShare(ctx, rule.count) : shareByCells(ctx, rule.count);
    ctx.districts.features.forEach((feature, d) => {
      const from = ctx.grid.districtStart[d] as number;
      const to = ctx.grid.districtStart[d + 1] as number;
      if (from === to) return;
      const pick = cellSampler(ctx, () => 1, from, to);
      for (let n = 1; n <= (share[d] ?? 0); n++) {
        const cell = pick(random);
        const street = streetOfCell(ctx, cell);
        const place = speciality === 'grid-patrol' ? street.name : shortDistrictName(feature.properties.name);
        let number = phone(random);
        while (phones.has(number)) number = phone(random);
        phones.add(number);
        const skills = rule.skills.filter((_, i) => i === 0 || random.chance(0.6));
        if (random.chance(0.2) && !skills.includes('first-aid')) skills.push('first-aid');
        const extension = FIRST_CREW_EXTENSION + crews.length;
        if (extension > 6999) throw new Error('more crews than 6xxx extensions');
        crews.push({
          id: `CR${String(crews.length + 1).padStart(4, '0')}`,
          name: `${place}${zh}${n}${rule.unit}`,
          speciality,
          districtAdcode: feature.properties.adcode,
          streetCode: speciality === 'grid-patrol' ? street.code : null,
          leader: personName(random),
          phone: number,
          sipExtension: String(extension),
          memberCount: rule.members[0] + random.int(rule.members[1] - rule.members[0] + 1),
          skills,
          base: nearCellCentre(ctx, cell, random, 5),
          onDuty: random.chance(ON_DUTY_SHARE),
        });
      }
    });
  }

  const groups: CrewGroup[] = [];
  const addGroup = (kind: CrewGroup['kind'], key: string, name: string, members: readonly CrewRecord[]): void => {
    if (members.length === 0) return;
    groups.push({
      id: `GR${String(groups.length + 1).padStart(3, '0')}`,
      name,
      kind,
      key,
      sipExtension: String(FIRST_GROUP_EXTENSION + groups.length),
      crewIds: members.map((c) => c.id),
    });
  };
  for (const feature of ctx.districts.features) {
    const adcode = feature.properties.adcode;
    addGroup('district', adcode, `${feature.properties.name}一线班组`, crews.filter((c) => c.districtAdcode === adcode));
  }
  for (const { key, zh } of CREW_SPECIALITIES) addGroup('speciality', key, `全市${zh}班组`, crews.filter((c) => c.speciality === key));

  return CrewsFileSchema.parse({
    formatVersion: CITY_FORMAT_VERSION,
    seed: ctx.seed,
    specialities: CREW_SPECIALITIES,
    skills: CREW_SKILLS,
    roles: CREW_ROLES,
    crews,
    groups,
  });
}
