import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Basemap } from '../../../shared/domain/basemap.js';
import type { Language, Theme } from '../../../shared/domain/settings.js';
import type { Incident } from '../../../shared/domain/feed.js';
import { CHONGQING_BOUNDS, basemapStyle } from './basemap-style.js';

// Vite does not bundle maplibre's worker on its own; point maplibre at the emitted file (same origin, CSP-safe).
maplibregl.setWorkerUrl(workerUrl);

/** The live map object, kept out of the store; the view creates one and disposes it on unmount. */
export interface BasemapEngine {
  setAppearance(theme: Theme, language: Language): void;
  /** Open incidents as dots coloured by risk grade; the focused one is ringed and flown to. */
  setIncidents(incidents: readonly Incident[], focusedId: string | null): void;
  dispose(): void;
}

export function createBasemapEngine(container: HTMLElement, basemap: Basemap, theme: Theme, language: Language): BasemapEngine {
  const map = new maplibregl.Map({
    container,
    style: basemapStyle(theme, language),
    bounds: CHONGQING_BOUNDS,
    fitBoundsOptions: { padding: 24 },
    attributionControl: false,
    maxPitch: 60,
    // Labels use the page's CJK font through the browser, not glyph tiles.
    localIdeographFontFamily: "'Noto Sans SC', 'Noto Sans CJK SC', sans-serif",
  });
  map.addControl(new maplibregl.NavigationControl({ visualizePitch: true }), 'bottom-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');

  let incidentData: Parameters<maplibregl.GeoJSONSource['setData']>[0] = { type: 'FeatureCollection', features: [] };
  let flownTo: string | null = null;
  const fill = () => {
    for (const name of ['districts', 'outline', 'rivers'] as const) {
      // Our schema-checked collections are GeoJSON; maplibre's type is the @types/geojson one.
      const data = basemap[name] as Parameters<maplibregl.GeoJSONSource['setData']>[0];
      map.getSource<maplibregl.GeoJSONSource>(name)?.setData(data);
    }
    map.getSource<maplibregl.GeoJSONSource>('incidents')?.setData(incidentData);
  };
  map.on('style.load', fill);

  return {
    setAppearance(nextTheme, nextLanguage) {
      map.setStyle(basemapStyle(nextTheme, nextLanguage));
    },
    setIncidents(incidents, focusedId) {
      incidentData = {
        type: 'FeatureCollection',
        features: incidents
          .filter((incident) => incident.state !== 'closed')
          .map((incident) => ({
            type: 'Feature',
            properties: { id: incident.id, grade: incident.riskGrade ?? 'none', focused: incident.id === focusedId },
            geometry: { type: 'Point', coordinates: [...incident.position] },
          })),
      };
      map.getSource<maplibregl.GeoJSONSource>('incidents')?.setData(incidentData);
      const focused = incidents.find((incident) => incident.id === focusedId);
      if (focused && flownTo !== focused.id) map.flyTo({ center: focused.position, zoom: Math.max(map.getZoom(), 13) });
      flownTo = focused?.id ?? null;
    },
    dispose() {
      map.remove();
    },
  };
}
