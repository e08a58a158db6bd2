/**
 * Code formats of the city data. Every code is a string of digits so that leading zeros survive and no code exceeds
 * JavaScript's safe integers.
 *
 * - Grid cell (单元网格, after CJ/T 213 and DB11/T practice), 15 digits:
 *   county adcode (6) + street/township (3) + community (3) + sequence within the community (3, 001-999).
 *   The first 12 digits are therefore the real 12-digit community code of the 统计用区划代码.
 * - Component (部件, CJ/T 214 / GB/T 30428.2), 16 digits:
 *   county adcode (6) + major class (2) + subclass (2) + sequence within county and subclass (6, 000001-999999).
 * - Video device (GB/T 28181-2016 appendix D), 20 digits:
 *   centre code (8: county adcode 6 + grass-roots unit 2) + industry (2, "08" city management)
 *   + type (3, "132" network camera) + network (1, "6" government network) + sequence (6).
 */

const GRID_CELL_CODE = /^(\d{6})(\d{3})(\d{3})(\d{3})$/;
const COMPONENT_CODE = /^(\d{6})(\d{2})(\d{2})(\d{6})$/;
const VIDEO_DEVICE_CODE = /^(\d{8})(\d{2})(\d{3})(\d)(\d{6})$/;

export const MAX_GRID_SEQUENCE = 999;
export const MAX_COMPONENT_SEQUENCE = 999_999;
export const VIDEO_INDUSTRY_CITY_MANAGEMENT = '08';
export const VIDEO_TYPE_NETWORK_CAMERA = '132';
export const VIDEO_NETWORK_GOVERNMENT = '6';

function digits(value: number, width: number, what: string): string {
  const max = 10 ** width - 1;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${what} ${value} does not fit in ${width} digits`);
  }
  return String(value).padStart(width, '0');
}

function requireDigits(value: string, width: number, what: string): void {
  if (value.length !== width || !/^\d+$/.test(value)) throw new RangeError(`${what} must be ${width} digits: ${value}`);
}

/** `communityCode` is the 12-digit 统计用区划代码 of a 社区/村; `sequence` is 1-999. */
export function gridCellCode(communityCode: string, sequence: number): string {
  requireDigits(communityCode, 12, 'community code');
  if (sequence < 1) throw new RangeError(`grid sequence starts at 1: ${sequence}`);
  return communityCode + digits(sequence, 3, 'grid sequence');
}

export interface GridCellCodeParts {
  readonly adcode: string;
  readonly streetCode: string;
  readonly communityCode: string;
  readonly sequence: number;
}

export function parseGridCellCode(code: string): GridCellCodeParts | null {
  const m = GRID_CELL_CODE.exec(code);
  if (!m) return null;
  const [, adcode = '', street = '', community = '', sequence = ''] = m;
  return {
    adcode,
    streetCode: adcode + street,
    communityCode: adcode + street + community,
    sequence: Number(sequence),
  };
}

/** `subclassCode` is the four-digit major+subclass code from COMPONENT_SUBCLASSES. */
export function componentCode(adcode: string, subclassCode: string, sequence: number): string {
  requireDigits(adcode, 6, 'adcode');
  requireDigits(subclassCode, 4, 'component subclass code');
  if (sequence < 1) throw new RangeError(`component sequence starts at 1: ${sequence}`);
  return adcode + subclassCode + digits(sequence, 6, 'component sequence');
}

export interface ComponentCodeParts {
  readonly adcode: string;
  readonly majorCode: string;
  readonly subclassCode: string;
  readonly sequence: number;
}

export function parseComponentCode(code: string): ComponentCodeParts | null {
  const m = COMPONENT_CODE.exec(code);
  if (!m) return null;
  const [, adcode = '', major = '', sub = '', sequence = ''] = m;
  return { adcode, majorCode: major, subclassCode: major + sub, sequence: Number(sequence) };
}

export function videoDeviceCode(adcode: string, sequence: number): string {
  requireDigits(adcode, 6, 'adcode');
  return (
    adcode +
    '00' +
    VIDEO_INDUSTRY_CITY_MANAGEMENT +
    VIDEO_TYPE_NETWORK_CAMERA +
    VIDEO_NETWORK_GOVERNMENT +
    digits(sequence, 6, 'video device sequence')
  );
}

export interface VideoDeviceCodeParts {
  readonly centreCode: string;
  readonly industry: string;
  readonly type: string;
  readonly network: string;
  readonly sequence: number;
}

export function parseVideoDeviceCode(code: string): VideoDeviceCodeParts | null {
  const m = VIDEO_DEVICE_CODE.exec(code);
  if (!m) return null;
  const [, centreCode = '', industry = '', type = '', network = '', sequence = ''] = m;
  return { centreCode, industry, type, network, sequence: Number(sequence) };
}
