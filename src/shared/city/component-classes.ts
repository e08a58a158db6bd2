/**
 * City component (部件) classification, modelled on CJ/T 214-2007 and GB/T 30428.2-2013 (数字化城市管理信息系统
 * 第2部分: 管理部件和事件). The six major classes and their two-digit codes follow the standard; the subclass list is a
 * representative selection written from the standard's pattern (manhole covers by owner, lamps, signs, bins, trees ...)
 * and has not been checked line by line against the published text, so treat subclass codes as demo codes.
 *
 * A component chunk stores a subclass as its index in COMPONENT_SUBCLASSES (Uint8), so this list may only be appended
 * to within one format version.
 */

export interface ComponentMajorClass {
  readonly code: string;
  readonly zh: string;
  readonly en: string;
}

export const COMPONENT_MAJOR_CLASSES = [
  { code: '01', zh: '公用设施', en: 'Public utilities' },
  { code: '02', zh: '道路交通', en: 'Roads and traffic' },
  { code: '03', zh: '市容环境', en: 'City appearance and environment' },
  { code: '04', zh: '园林绿化', en: 'Parks and greenery' },
  { code: '05', zh: '房屋土地', en: 'Buildings and land' },
  { code: '06', zh: '其他设施', en: 'Other facilities' },
] as const satisfies readonly ComponentMajorClass[];

/** Who maintains a component (权属单位类别). Stored as its index (Uint8). */
export const COMPONENT_OWNERS = [
  { key: 'unknown', zh: '权属不明', en: 'Owner unknown' },
  { key: 'municipal', zh: '市政设施管理', en: 'Municipal facilities' },
  { key: 'sanitation', zh: '环境卫生', en: 'Sanitation' },
  { key: 'greenery', zh: '园林绿化', en: 'Parks and greenery' },
  { key: 'water', zh: '供水公司', en: 'Water supply company' },
  { key: 'drainage', zh: '排水公司', en: 'Drainage company' },
  { key: 'power', zh: '供电公司', en: 'Power company' },
  { key: 'telecom', zh: '通信运营商', en: 'Telecom operator' },
  { key: 'gas', zh: '燃气公司', en: 'Gas company' },
  { key: 'traffic', zh: '交通管理', en: 'Traffic management' },
  { key: 'housing', zh: '住房和城乡建设', en: 'Housing and construction' },
  { key: 'subdistrict', zh: '街道办事处', en: 'Subdistrict office' },
  { key: 'enterprise', zh: '企事业单位', en: 'Enterprise or institution' },
] as const;

export type ComponentOwnerKey = (typeof COMPONENT_OWNERS)[number]['key'];

/** Condition of a component (部件状态). Stored as its index (Uint8); `share` is the synthetic draw probability. */
export const COMPONENT_STATUSES = [
  { key: 'normal', zh: '完好', en: 'Normal', share: 0.962 },
  { key: 'damaged', zh: '破损', en: 'Damaged', share: 0.021 },
  { key: 'missing', zh: '丢失', en: 'Missing', share: 0.004 },
  { key: 'occupied', zh: '被占用', en: 'Obstructed', share: 0.005 },
  { key: 'repairing', zh: '维修中', en: 'Under repair', share: 0.008 },
] as const;

export interface ComponentSubclass {
  /** Four digits: major class (2) + subclass (2). */
  readonly code: string;
  readonly zh: string;
  readonly en: string;
  /** Relative frequency in the synthetic city (manhole covers and street trees dominate real inventories). */
  readonly weight: number;
  readonly owner: ComponentOwnerKey;
}

export const COMPONENT_SUBCLASSES = [
  { code: '0101', zh: '上水井盖', en: 'Water-supply manhole cover', weight: 60, owner: 'water' },
  { code: '0102', zh: '污水井盖', en: 'Sewer manhole cover', weight: 70, owner: 'drainage' },
  { code: '0103', zh: '雨水井盖', en: 'Storm-water manhole cover', weight: 70, owner: 'drainage' },
  { code: '0104', zh: '雨水箅子', en: 'Storm-drain grate', weight: 80, owner: 'drainage' },
  { code: '0105', zh: '电力井盖', en: 'Power manhole cover', weight: 35, owner: 'power' },
  { code: '0106', zh: '路灯井盖', en: 'Street-light manhole cover', weight: 25, owner: 'municipal' },
  { code: '0107', zh: '通信井盖', en: 'Telecom manhole cover', weight: 40, owner: 'telecom' },
  { code: '0108', zh: '燃气井盖', en: 'Gas manhole cover', weight: 20, owner: 'gas' },
  { code: '0109', zh: '消防栓', en: 'Fire hydrant', weight: 12, owner: 'water' },
  { code: '0110', zh: '配电箱', en: 'Power distribution cabinet', weight: 10, owner: 'power' },
  { code: '0111', zh: '通信交接箱', en: 'Telecom cross-connect cabinet', weight: 10, owner: 'telecom' },
  { code: '0112', zh: '路灯', en: 'Street lamp', weight: 90, owner: 'municipal' },
  { code: '0113', zh: '景观灯', en: 'Landscape light', weight: 20, owner: 'municipal' },
  { code: '0114', zh: '报刊亭', en: 'Newsstand', weight: 2, owner: 'enterprise' },
  { code: '0115', zh: '邮筒', en: 'Postbox', weight: 2, owner: 'enterprise' },
  { code: '0116', zh: '燃气调压箱', en: 'Gas pressure-regulating box', weight: 3, owner: 'gas' },
  { code: '0201', zh: '公交站亭', en: 'Bus shelter', weight: 6, owner: 'traffic' },
  { code: '0202', zh: '交通标志牌', en: 'Traffic sign', weight: 30, owner: 'traffic' },
  { code: '0203', zh: '交通信号灯', en: 'Traffic signal', weight: 8, owner: 'traffic' },
  { code: '0204', zh: '道路护栏', en: 'Road guardrail', weight: 25, owner: 'municipal' },
  { code: '0205', zh: '路名牌', en: 'Street-name sign', weight: 10, owner: 'municipal' },
  { code: '0206', zh: '人行天桥', en: 'Pedestrian overpass', weight: 1, owner: 'municipal' },
  { code: '0207', zh: '地下通道', en: 'Pedestrian underpass', weight: 1, owner: 'municipal' },
  { code: '0208', zh: '停车场', en: 'Car park', weight: 3, owner: 'enterprise' },
  { code: '0209', zh: '电子警察', en: 'Traffic enforcement camera', weight: 4, owner: 'traffic' },
  { code: '0210', zh: '非机动车停放架', en: 'Bicycle rack', weight: 6, owner: 'subdistrict' },
  { code: '0211', zh: '隔离墩', en: 'Bollard', weight: 15, owner: 'municipal' },
  { code: '0301', zh: '公共厕所', en: 'Public toilet', weight: 2, owner: 'sanitation' },
  { code: '0302', zh: '果皮箱', en: 'Litter bin', weight: 45, owner: 'sanitation' },
  { code: '0303', zh: '垃圾收集点', en: 'Refuse collection point', weight: 6, owner: 'sanitation' },
  { code: '0304', zh: '化粪池', en: 'Septic tank', weight: 5, owner: 'housing' },
  { code: '0305', zh: '户外广告', en: 'Outdoor advertisement', weight: 12, owner: 'enterprise' },
  { code: '0306', zh: '公共宣传栏', en: 'Public notice board', weight: 4, owner: 'subdistrict' },
  { code: '0401', zh: '古树名木', en: 'Heritage tree', weight: 1, owner: 'greenery' },
  { code: '0402', zh: '行道树', en: 'Street tree', weight: 150, owner: 'greenery' },
  { code: '0403', zh: '护树设施', en: 'Tree guard', weight: 30, owner: 'greenery' },
  { code: '0404', zh: '花箱花钵', en: 'Planter', weight: 12, owner: 'greenery' },
  { code: '0405', zh: '街头座椅', en: 'Street bench', weight: 8, owner: 'greenery' },
  { code: '0406', zh: '城市雕塑', en: 'Public sculpture', weight: 1, owner: 'greenery' },
  { code: '0501', zh: '挡土墙', en: 'Retaining wall', weight: 6, owner: 'housing' },
  { code: '0502', zh: '危旧房屋', en: 'Dilapidated building', weight: 2, owner: 'housing' },
  { code: '0503', zh: '在建工地', en: 'Construction site', weight: 1, owner: 'housing' },
  { code: '0601', zh: '健身设施', en: 'Fitness equipment', weight: 5, owner: 'subdistrict' },
  { code: '0602', zh: '视频监控', en: 'Surveillance camera', weight: 10, owner: 'municipal' },
  { code: '0603', zh: '人防工程出入口', en: 'Civil-defence shelter entrance', weight: 1, owner: 'housing' },
  { code: '0604', zh: '水域护栏', en: 'Waterside railing', weight: 4, owner: 'municipal' },
] as const satisfies readonly ComponentSubclass[];

export function componentOwnerIndex(key: ComponentOwnerKey): number {
  return COMPONENT_OWNERS.findIndex((owner) => owner.key === key);
}
