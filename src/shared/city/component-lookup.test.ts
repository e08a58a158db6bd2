import { describe, expect, it } from 'vitest';
import { createComponentChunk } from './component-chunk.js';
import { COMPONENT_SUBCLASSES } from './component-classes.js';
import { componentDetail, findComponent } from './component-lookup.js';

function chunkOf(codeAdcode: number, districtAdcode: number, rows: { subclass: number; sequence: number; cell: number }[]) {
  const chunk = createComponentChunk({ count: rows.length, chunkIndex: 0, originLng: 106.5, originLat: 29.5, districtAdcode, codeAdcode });
  rows.forEach((row, i) => {
    chunk.subclass[i] = row.subclass;
    chunk.sequence[i] = row.sequence;
    chunk.cellIndex[i] = row.cell;
    chunk.lngOffset[i] = 0.01 * i;
    chunk.latOffset[i] = -0.01 * i;
    chunk.owner[i] = 4;
    chunk.status[i] = 1;
  });
  return chunk;
}

describe('component lookup', () => {
  const wansheng = chunkOf(500110, 500190, [
    { subclass: 0, sequence: 1, cell: 0 },
    { subclass: 11, sequence: 1, cell: 1 },
  ]);
  const yuzhong = chunkOf(500103, 500103, [
    { subclass: 11, sequence: 7, cell: 1 },
    { subclass: 11, sequence: 8, cell: 9 },
  ]);
  const grid = { codes: ['500103001001001', '500103001001002'] };

  it('describes a component from its columns: code, classes, owner, status, position and grid cell', () => {
    const detail = componentDetail(yuzhong, 0, grid);
    expect(detail.code).toBe(`500103${COMPONENT_SUBCLASSES[11].code}000007`);
    expect(detail).toMatchObject({
      subclass: { code: '0112', zh: '路灯' },
      majorClass: { code: '01', zh: '公用设施' },
      owner: { key: 'water' },
      status: { key: 'damaged' },
      districtAdcode: '500103',
      gridCellCode: '500103001001002',
    });
    expect(detail.position[0]).toBeCloseTo(106.5, 6);
    expect(componentDetail(yuzhong, 1, grid).gridCellCode).toBeNull();
  });

  it('finds a component by its code, using the code adcode (万盛 codes under 綦江) and the subclass', () => {
    const chunks = [wansheng, yuzhong];
    expect(findComponent(chunks, '500110' + '0112' + '000001')).toEqual({ chunk: 0, index: 1 });
    expect(findComponent(chunks, '500103' + '0112' + '000008')).toEqual({ chunk: 1, index: 1 });
    expect(findComponent(chunks, '500103' + '0101' + '000008')).toBeNull();
    expect(findComponent(chunks, '5001030112')).toBeNull();
    expect(findComponent(chunks, '500103' + '9999' + '000008')).toBeNull();
  });
});
