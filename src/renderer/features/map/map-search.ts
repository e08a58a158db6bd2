import { findComponent, parseComponentCode } from '../../../shared/city/index.js';
import type { FeatureCollection } from '../../../shared/domain/basemap.js';
import type { CityRegisters, LoadedComponentChunk } from './city-data.js';
import type { MapObjectRef } from './deck-layers.js';

/** One answer of the map's search box: where to go and, for a single object, what to select. */
export interface SearchHit {
  readonly kind: 'district' | 'street' | 'grid-cell' | 'component';
  readonly id: string;
  readonly label: string;
  readonly detail: string;
  readonly target: { kind: 'point'; position: [number, number]; zoom: number } | { kind: 'bounds'; bbox: [number, number, number, number] };
  readonly select: MapObjectRef | null;
}

export interface SearchSources {
  readonly districts: FeatureCollection;
  readonly city: CityRegisters;
  readonly chunks: readonly LoadedComponentChunk[];
}

const MAX_HITS = 8;

function bboxOf(geometry: FeatureCollection['features'][number]['geometry']): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (value: unknown): void => {
    if (Array.isArray(value) && typeof value[0] === 'number') {
      const [lng, lat] = value as [number, number];
      box[0] = Math.min(box[0], lng);
      box[1] = Math.min(box[1], lat);
      box[2] = Math.max(box[2], lng);
      box[3] = Math.max(box[3], lat);
    } else if (Array.isArray(value)) value.forEach(visit);
  };
  visit(geometry.coordinates);
  return box;
}

/**
 * Districts and streets by name (or adcode/street code), grid cells by their 15-digit code (or a prefix of 9 digits or
 * more), components by their 16-digit code.
 */
export function searchMap(query: string, sources: SearchSources): SearchHit[] {
  const needle = query.trim();
  if (needle === '') return [];
  const lower = needle.toLowerCase();
  const hits: SearchHit[] = [];

  if (/^\d{16}$/.test(needle) && parseComponentCode(needle)) {
    const found = findComponent(
      sources.chunks.map((loaded) => loaded.chunk),
      needle,
    );
    const loaded = found ? sources.chunks[found.chunk] : undefined;
    if (found && loaded) {
      const position: [number, number] = [loaded.chunk.header.originLng + (loaded.chunk.lngOffset[found.index] ?? 0), loaded.chunk.header.originLat + (loaded.chunk.latOffset[found.index] ?? 0)];
      hits.push({ kind: 'component', id: needle, label: needle, detail: '', target: { kind: 'point', position, zoom: 18 }, select: { kind: 'component', chunk: loaded.entry.index, index: found.index } });
    }
  }

  if (/^\d{9,15}$/.test(needle)) {
    const { codes } = sources.city.gridSidecar;
    for (let index = 0; index < codes.length && hits.length < MAX_HITS; index++) {
      if (!(codes[index] as string).startsWith(needle)) continue;
      const corners = sources.city.grid.corners;
      const { originLng, originLat, cornersPerCell } = sources.city.grid.header;
      const base = index * cornersPerCell * 2;
      const position: [number, number] = [originLng + (corners[base] ?? 0), originLat + (corners[base + 1] ?? 0)];
      hits.push({ kind: 'grid-cell', id: codes[index] as string, label: codes[index] as string, detail: '', target: { kind: 'point', position, zoom: 16 }, select: { kind: 'grid-cell', index } });
    }
  }

  for (const feature of sources.districts.features) {
    if (hits.length >= MAX_HITS) break;
    const properties = feature.properties ?? {};
    const name = String(properties.name ?? '');
    const nameEn = String(properties.nameEn ?? '');
    const adcode = String(properties.adcode ?? '');
    if (name.includes(needle) || nameEn.toLowerCase().includes(lower) || adcode === needle) {
      hits.push({ kind: 'district', id: adcode, label: name, detail: nameEn, target: { kind: 'bounds', bbox: bboxOf(feature.geometry) }, select: null });
    }
  }

  for (const district of sources.city.streets.districts) {
    for (const street of district.streets) {
      if (hits.length >= MAX_HITS) return hits;
      if (street.name.includes(needle) || street.code === needle) {
        hits.push({ kind: 'street', id: street.code, label: street.name, detail: district.name, target: { kind: 'point', position: [...street.anchor], zoom: 14 }, select: null });
      }
    }
  }
  return hits;
}
