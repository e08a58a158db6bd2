import type { StyleSpecification } from 'maplibre-gl';
import type { Language, Theme } from '../../../shared/domain/settings.js';
import { offlineBasemap, type BasemapSource } from '../../../shared/domain/basemap-source.js';

interface Palette {
  background: string;
  land: string;
  districtLine: string;
  outline: string;
  water: string;
  label: string;
  labelHalo: string;
}

const palettes: Record<Theme, Palette> = {
  'wall-dark': {
    background: '#07101d',
    land: '#0f1d30',
    districtLine: '#3f6c9c',
    outline: '#7fb2e5',
    water: '#1f6fb2',
    label: '#d7e6f7',
    labelHalo: '#07101d',
  },
  'console-light': {
    background: '#e9eef3',
    land: '#f7f9fb',
    districtLine: '#8aa1b8',
    outline: '#3d5a78',
    water: '#79b4e3',
    label: '#1d2b3a',
    labelHalo: '#ffffff',
  },
};

/** Chongqing's municipal extent (WGS84), the map's home view. */
export const CHONGQING_BOUNDS: [[number, number], [number, number]] = [
  [105.28, 28.16],
  [110.2, 32.2],
];

/**
 * The offline basemap as a pure function of theme and language. No `glyphs` entry: maplibre then draws labels with
 * the page's own fonts, so Chinese labels need no glyph server and the map makes no request outside the app.
 */
export function basemapStyle(theme: Theme, language: Language, source: BasemapSource = offlineBasemap): StyleSpecification {
  const palette = palettes[theme];
  const overlay = cityOverlay(theme, language);
  const base: StyleSpecification['layers'] =
    source.kind === 'raster'
      ? [
          { id: 'background', type: 'background', paint: { 'background-color': palette.background } },
          { id: 'customer-raster', type: 'raster', source: 'customer-raster' },
        ]
      : [
          { id: 'background', type: 'background', paint: { 'background-color': palette.background } },
          { id: 'district-fill', type: 'fill', source: 'districts', paint: { 'fill-color': palette.land, 'fill-opacity': 0.95 } },
        ];
  return {
    version: 8,
    sources: {
      ...overlay.sources,
      ...(source.kind === 'raster' ? { 'customer-raster': { type: 'raster' as const, tiles: [source.tiles], tileSize: 256 } } : {}),
    },
    layers: [...base, ...overlay.layers],
  };
}

/**
 * The city's own layers drawn over whichever basemap: rivers, district lines and names, the municipal outline and the
 * street names. A customer style gets them added on top of its own layers (see MapEngine).
 */
export function cityOverlay(theme: Theme, language: Language): Pick<StyleSpecification, 'sources' | 'layers'> {
  const palette = palettes[theme];
  const empty = { type: 'geojson' as const, data: { type: 'FeatureCollection' as const, features: [] } };
  return {
    sources: { districts: empty, outline: empty, rivers: empty, streets: empty },
    layers: [
      { id: 'rivers', type: 'line', source: 'rivers', paint: { 'line-color': palette.water, 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 0.8, 11, 3] } },
      { id: 'district-line', type: 'line', source: 'districts', paint: { 'line-color': palette.districtLine, 'line-width': 1 } },
      { id: 'outline', type: 'line', source: 'outline', paint: { 'line-color': palette.outline, 'line-width': 2 } },
      {
        id: 'district-label',
        type: 'symbol',
        source: 'districts',
        layout: {
          'text-field': ['get', language === 'zh-CN' ? 'name' : 'nameEn'],
          'text-font': ['Noto Sans SC'],
          'text-size': ['interpolate', ['linear'], ['zoom'], 6, 11, 10, 16],
          'symbol-placement': 'point',
        },
        paint: { 'text-color': palette.label, 'text-halo-color': palette.labelHalo, 'text-halo-width': 1.5 },
      },
      {
        id: 'street-label',
        type: 'symbol',
        source: 'streets',
        minzoom: 11,
        layout: {
          'text-field': ['get', 'name'],
          'text-font': ['Noto Sans SC'],
          'text-size': 12,
          'text-optional': true,
        },
        paint: { 'text-color': palette.label, 'text-halo-color': palette.labelHalo, 'text-halo-width': 1.2, 'text-opacity': 0.85 },
      },
    ],
  };
}
