/** Plausible synthetic names, plates and numbers. None of them refers to a real person, vehicle or subscriber. */
import type { Random } from '../../src/shared/city/index.js';

const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '罗', '高', '林',
  '谭', '邓', '冉', '向', '蒋', '唐', '曾', '彭', '冯', '熊', '袁', '雷', '余', '谢', '秦', '田', '汪', '夏', '钟', '廖',
] as const;
const GIVEN = [
  '伟', '强', '军', '勇', '杰', '涛', '斌', '超', '明', '刚', '平', '辉', '鹏', '华', '飞', '鑫', '波', '宇', '浩', '凯',
  '芳', '娟', '敏', '静', '丽', '艳', '霞', '燕', '玲', '婷', '雪', '琴', '红', '梅', '兰', '建', '国', '志', '文', '春',
  '海', '林', '云', '德', '成', '光', '永', '峰', '磊', '洪',
] as const;

export function personName(random: Random): string {
  const given = random.chance(0.7) ? random.pick(GIVEN) + random.pick(GIVEN) : random.pick(GIVEN);
  return random.pick(SURNAMES) + given;
}

/** Roots of common Chinese street names; combined with a suffix they read like ordinary local roads. */
const ROAD_ROOTS = [
  '人民', '民生', '建设', '新华', '和平', '文化', '学府', '滨江', '园林', '长江', '嘉陵', '桂花', '黄桷', '枇杷', '松林',
  '青年', '健康', '幸福', '友谊', '团结', '兴隆', '金开', '龙湖', '天星', '石坪', '渝州', '南山', '北城', '东环', '西郊',
  '望江', '观音', '红岩', '朝阳', '长安', '双龙', '白鹤', '银杏', '翠柏', '海棠', '桃源', '锦绣', '金龙', '玉带', '春晖',
] as const;
const ROAD_SUFFIXES = ['路', '路', '路', '大道', '街', '一路', '二路', '三路', '支路', '巷'] as const;

export function roadName(random: Random): string {
  return random.pick(ROAD_ROOTS) + random.pick(ROAD_SUFFIXES);
}

/** Letters allowed on Chinese plates (I and O are never used). */
const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * A 渝A plate. Large new-energy vehicles carry five digits and a trailing D (battery electric), as on real green plates
 * of trucks; others carry a letter and four characters.
 */
export function plate(random: Random, electric: boolean): string {
  if (electric) return `渝A${String(random.int(100000)).padStart(5, '0')}D`;
  let tail = PLATE_LETTERS[random.int(PLATE_LETTERS.length)] ?? 'A';
  for (let i = 0; i < 4; i++) {
    tail += random.chance(0.8) ? String(random.int(10)) : (PLATE_LETTERS[random.int(PLATE_LETTERS.length)] ?? 'A');
  }
  return `渝A${tail}`;
}

/**
 * An 11-digit number in the unallocated 100 prefix: looks like a mobile number on screen but can never ring a real
 * subscriber if someone dials it.
 */
export function phone(random: Random): string {
  return `100${String(random.int(100_000_000)).padStart(8, '0')}`;
}

/** A short district name for labels: 渝中区 -> 渝中, 石柱土家族自治县 -> 石柱, 万盛经开区 -> 万盛. */
export function shortDistrictName(name: string): string {
  const autonomous = /^(.{2})(?:土家族|苗族)/.exec(name);
  if (autonomous?.[1]) return autonomous[1];
  if (name.endsWith('经开区')) return name.slice(0, -3);
  return name.length > 2 ? name.slice(0, -1) : name;
}
