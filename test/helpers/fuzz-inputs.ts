/**
 * Deterministic malformed input for the contract fuzz: a seeded PRNG and generators of odd JSON values, deep nesting,
 * long and broken strings. The same seed gives the same messages, so a failure printed with its seed can be replayed.
 */
export interface Rng {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

/** mulberry32: small, fast, and good enough to spread fuzz cases. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    next,
    int: (below) => Math.floor(next() * below),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    chance: (probability) => next() < probability,
  };
}

/** The seed from ZHILI_FUZZ_SEED, or a fresh one; print it with any failure. */
export function fuzzSeed(): number {
  const given = process.env.ZHILI_FUZZ_SEED;
  return given !== undefined && given !== '' ? Number(given) >>> 0 : Math.floor(Math.random() * 2 ** 31);
}

const oddKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', 'id', 't', 'method', 'params', 'event', 'type', 'value'];
const oddStrings = ['', ' ', '\u0000', '\ud800', '\udfff', '\u202e', '智理', '<script>', '../../etc/passwd', '%00', 'null', 'undefined', 'NaN', '{"t":"call"}', '\\', '"'];
const oddNumbers = [0, -0, -1, 1.5, 2 ** 53, -(2 ** 53), 2 ** 64, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2];

export function randomString(rng: Rng, maxLength = 40): string {
  if (rng.chance(0.3)) return rng.pick(oddStrings);
  const length = rng.int(maxLength + 1);
  let text = '';
  for (let index = 0; index < length; index += 1) {
    const range = rng.int(4);
    // ASCII, CJK, lone surrogates, control characters.
    const code = range === 0 ? 0x20 + rng.int(95) : range === 1 ? 0x4e00 + rng.int(0x5000) : range === 2 ? 0xd800 + rng.int(0x800) : rng.int(0x20);
    text += String.fromCharCode(code);
  }
  return text;
}

/** Any JSON value, a few levels deep, with keys that poke at prototypes. */
export function randomJson(rng: Rng, depth = 3): unknown {
  const kind = rng.int(depth <= 0 ? 5 : 7);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.chance(0.5) ? rng.pick(oddNumbers) : rng.int(1000) - 500;
    case 3:
    case 4:
      return randomString(rng);
    case 5:
      return Array.from({ length: rng.int(5) }, () => randomJson(rng, depth - 1));
    default:
      return randomObject(rng, depth - 1);
  }
}

export function randomObject(rng: Rng, depth = 2, keys: readonly string[] = oddKeys): Record<string, unknown> {
  // Built from entries so that "__proto__" becomes an own key, as JSON.parse makes it.
  const entries = Array.from({ length: rng.int(5) }, () => [rng.chance(0.6) ? rng.pick(keys) : randomString(rng, 12), randomJson(rng, depth)] as const);
  return Object.fromEntries(entries);
}

/** JSON text nested `depth` levels deep (arrays or objects), built as text so that building it needs no recursion. */
export function deeplyNestedJson(depth: number, kind: 'array' | 'object', inner = '0'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${inner}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;
}

/** Bytes that are not UTF-8: lone continuation bytes, a truncated sequence, an overlong encoding, a surrogate. */
export function invalidUtf8(rng: Rng): Buffer {
  const broken = rng.pick([[0x80], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff, 0xfe], [0xf8, 0x88, 0x80, 0x80, 0x80]]);
  return Buffer.concat([Buffer.from(`{"t":"call","id":1,"method":"`), Buffer.from(broken), Buffer.from('"}')]);
}

export function randomBytes(rng: Rng, maxLength: number): Buffer {
  return Buffer.from(Array.from({ length: 1 + rng.int(maxLength) }, () => rng.int(256)));
}
