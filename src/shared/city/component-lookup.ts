import { componentCode, parseComponentCode } from './codes.js';
import { componentLngLat, type ComponentChunk } from './component-chunk.js';
import { COMPONENT_MAJOR_CLASSES, COMPONENT_OWNERS, COMPONENT_STATUSES, COMPONENT_SUBCLASSES } from './component-classes.js';
import type { GridCellsSidecar } from './schemas.js';

/** One component as the detail panel shows it, resolved from its chunk's columns (no per-component objects kept). */
export interface ComponentDetail {
  readonly code: string;
  readonly subclass: { readonly code: string; readonly zh: string; readonly en: string };
  readonly majorClass: { readonly code: string; readonly zh: string; readonly en: string };
  readonly owner: { readonly key: string; readonly zh: string; readonly en: string };
  readonly status: { readonly key: string; readonly zh: string; readonly en: string };
  readonly position: [number, number];
  readonly districtAdcode: string;
  /** The 15-digit code of the grid cell it stands in, or null when the sidecar has no such cell. */
  readonly gridCellCode: string | null;
}

export function componentDetail(chunk: ComponentChunk, index: number, grid: Pick<GridCellsSidecar, 'codes'>): ComponentDetail {
  const subclass = COMPONENT_SUBCLASSES[chunk.subclass[index] ?? 0] ?? COMPONENT_SUBCLASSES[0];
  const majorClass = COMPONENT_MAJOR_CLASSES.find((major) => subclass.code.startsWith(major.code)) ?? COMPONENT_MAJOR_CLASSES[0];
  const owner = COMPONENT_OWNERS[chunk.owner[index] ?? 0] ?? COMPONENT_OWNERS[0];
  const status = COMPONENT_STATUSES[chunk.status[index] ?? 0] ?? COMPONENT_STATUSES[0];
  return {
    code: componentCode(String(chunk.header.codeAdcode), subclass.code, chunk.sequence[index] ?? 1),
    subclass: { code: subclass.code, zh: subclass.zh, en: subclass.en },
    majorClass: { code: majorClass.code, zh: majorClass.zh, en: majorClass.en },
    owner: { key: owner.key, zh: owner.zh, en: owner.en },
    status: { key: status.key, zh: status.zh, en: status.en },
    position: componentLngLat(chunk, index),
    districtAdcode: String(chunk.header.districtAdcode),
    gridCellCode: grid.codes[chunk.cellIndex[index] ?? -1] ?? null,
  };
}

/**
 * Where the component with this 16-digit code is: a scan of the chunks coded under its district (about a million
 * entries at most, a few milliseconds), so the map keeps no per-component index in memory.
 */
export function findComponent(chunks: readonly ComponentChunk[], code: string): { chunk: number; index: number } | null {
  const parts = parseComponentCode(code);
  if (!parts) return null;
  const subclassIndex = COMPONENT_SUBCLASSES.findIndex((subclass) => subclass.code === parts.subclassCode);
  if (subclassIndex < 0) return null;
  const adcode = Number(parts.adcode);
  for (let c = 0; c < chunks.length; c++) {
    const chunk = chunks[c] as ComponentChunk;
    if (chunk.header.codeAdcode !== adcode) continue;
    const { sequence, subclass } = chunk;
    for (let i = 0; i < sequence.length; i++) {
      if (sequence[i] === parts.sequence && subclass[i] === subclassIndex) return { chunk: c, index: i };
    }
  }
  return null;
}
