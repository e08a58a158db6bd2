import { useEffect, useRef, useState } from 'react';
import type { Basemap } from '../../../shared/domain/basemap.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model.js';
import { useStore } from '../../state/store.js';
import { createBasemapEngine, type BasemapEngine } from './basemap-engine.js';
import { IncidentPicker } from '../focus/IncidentPicker.js';

type Load = { state: 'loading' } | { state: 'ready'; basemap: Basemap } | { state: 'failed'; message: string };

export function MapView() {
  const t = useTranslation();
  const model = useAppModel();
  const { theme, language } = useStore(model.settings, (settings) => settings);
  const hostLink = useStore(model.connection, (state) => state.host);
  const container = useRef<HTMLDivElement>(null);
  const engine = useRef<BasemapEngine | null>(null);
  const [load, setLoad] = useState<Load>({ state: 'loading' });

  useEffect(() => {
    if (hostLink !== 'connected' || load.state === 'ready') return;
    let cancelled = false;
    callHost(model.host.bridge, 'city.basemap', {}).then(
      (basemap) => !cancelled && setLoad({ state: 'ready', basemap }),
      (error: Error) => !cancelled && setLoad({ state: 'failed', message: error.message }),
    );
    return () => {
      cancelled = true;
    };
  }, [model, hostLink, load.state]);

  useEffect(() => {
    if (load.state !== 'ready' || !container.current) return;
    const created = createBasemapEngine(container.current, load.basemap, model.settings.get().theme, model.settings.get().language);
    engine.current = created;
    return () => {
      created.dispose();
      engine.current = null;
    };
  }, [load, model]);

  useEffect(() => {
    engine.current?.setAppearance(theme, language);
  }, [theme, language]);

  const incidents = useStore(model.incidents, (list) => list);
  const focusedId = useStore(model.shared, (shared) => shared.focusedIncidentId);
  useEffect(() => {
    engine.current?.setIncidents(incidents, focusedId);
  }, [incidents, focusedId, load]);

  return (
    <section className="map-view" aria-label={t('role.map')}>
      <div ref={container} className="map-canvas" data-testid="map" data-state={load.state} />
      {load.state === 'loading' && <div className="map-message">{t('map.loading')}</div>}
      {load.state === 'failed' && (
        <div className="map-message error" role="alert">
          {t('map.unavailable')}: {load.message}
        </div>
      )}
      {load.state === 'ready' && (
        <div className="map-legend" data-testid="district-count">
          {t('map.districts')}: {load.basemap.districts.features.length}
        </div>
      )}
      <div className="map-side">
        <IncidentPicker />
      </div>
    </section>
  );
}
