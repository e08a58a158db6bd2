import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RiversFileSchema } from '../../src/shared/city/index.js';
import { clipLine, extractRivers, formatRivers, joinRiverSegments, nameRiver, parseGmtRivers } from './extract-rivers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const COMMITTED = resolve(ROOT, 'resources/city/rivers.geojson');

function hasGmt(): boolean {
  try {
    execFileSync('gmt', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('river extraction', () => {
  it('parses GMT multi-segment output with levels', () => {
    const text = '> River Bin # 1, Level 2\n106\t29.5\n106.1\t29.6\n> River Bin # 2, Level 1\n107 30\n';
    expect(parseGmtRivers(text)).toEqual([{ level: 2, coordinates: [[106, 29.5], [106.1, 29.6]] }]);
  });

  it('joins bin segments end to start, across small gaps, and drops degenerate ones', () => {
    const joined = joinRiverSegments([
      { level: 1, coordinates: [[0, 0], [1, 0]] },
      { level: 1, coordinates: [[1, 0], [2, 0]] },
      { level: 1, coordinates: [[2.002, 0], [3, 0]] },
      { level: 2, coordinates: [[3, 0], [4, 0]] },
      { level: 3, coordinates: [[5, 5], [5, 5]] },
    ]);
    expect(joined).toEqual([
      { level: 1, coordinates: [[0, 0], [1, 0], [2, 0], [2.002, 0], [3, 0]] },
      { level: 2, coordinates: [[3, 0], [4, 0]] },
    ]);
  });

  it('clips a line that leaves and re-enters the box into pieces', () => {
    const pieces = clipLine([[0, 0], [2, 0], [2, 2], [0, 2]], [-1, -1, 1, 3]);
    expect(pieces).toEqual([
      [[0, 0], [1, 0]],
      [[1, 2], [0, 2]],
    ]);
  });

  it('names a line by the towns it passes', () => {
    expect(nameRiver({ level: 2, coordinates: [[106.43, 29.831], [106.585, 29.576]] }).name).toBe('嘉陵江');
    expect(nameRiver({ level: 3, coordinates: [[106.43, 29.831], [106.585, 29.576]] }).name).toBeNull();
  });

  it('keeps a small committed file with the big three rivers inside the municipality', () => {
    expect(statSync(COMMITTED).size).toBeLessThan(400 * 1024);
    const rivers = RiversFileSchema.parse(JSON.parse(readFileSync(COMMITTED, 'utf8')));
    const names = new Set(rivers.features.map((f) => f.properties.name));
    for (const name of ['长江', '嘉陵江', '乌江']) expect(names.has(name)).toBe(true);
    const outside = rivers.features
      .flatMap((f) => f.geometry.coordinates)
      .filter(([lng, lat]) => lng < 105.2 || lng > 110.3 || lat < 28.1 || lat > 32.3);
    expect(outside).toEqual([]);
  });

  // GMT and GSHHG are Debian packages that a developer machine may lack; the committed file is what the build uses.
  it.skipIf(!hasGmt())('regenerates the committed file exactly where GMT is installed', async () => {
    expect(formatRivers(await extractRivers())).toBe(readFileSync(COMMITTED, 'utf8'));
  });
});
