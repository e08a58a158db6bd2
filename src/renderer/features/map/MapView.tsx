import { useEffect, useRef, useState } from 'react';
import type { Basemap } from '../../../shared/domain/basemap.js';
import type { BasemapSource } from '../../../shared/domain/basemap-source.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import { IncidentPicker } from '../focus/index.js';
import type { CameraMarker } from './camera-markers.js';
import type { CatalogueSystem } from './catalogue.js';
import { loadCityRegisters, loadComponentChunks, type CityRegisters } from './city-data.js';
import { LayerCatalogue } from './LayerCatalogue.js';
import { MapEngine } from './map-engine.js';
import { MapSearch } from './MapSearch.js';
import { describeObject } from './map-objects.js';
import type { MapObjectRef } from './deck-layers.js';
import { ObjectDetailPanel } from './ObjectDetailPanel.js';
import { RiskLegend } from './RiskLegend.js';
import { SavedViews } from './SavedViews.js';
import { useMapWindow } from './use-map-window.js';
import { refOfSelection, sameSelection, selectionOf } from './map-selection.js';
import type { Selection } from '../../../shared/domain/shared-state.js';
import './map.css';

type Load = { state: 'loading' } | { state: 'ready'; basemap: Basemap; basemapSource: BasemapSource; city: CityRegisters } | { state: 'failed'; message: string };

interface ChunkProgress {
  loaded: number;
  total: number;
  components: number;
  problems: string[];
}

export function MapView() {
  const t = useTranslation();
  const model = useAppModel();
  const language = useStore(model.settings, (settings) => settings.language);
  const theme = useStore(model.settings, (settings) => settings.theme);
  const hostLink = useStore(model.connection, (state) => state.host);
  const mapState = useStore(model.map, (state) => state);
  const incidents = useStore(model.incidents, (list) => list);
  const focusedId = useStore(model.shared, (shared) => shared.focusedIncidentId);
  const container = useRef<HTMLDivElement>(null);
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [engine, setEngine] = useState<MapEngine | null>(null);
  const [catalogue, setCatalogue] = useState<readonly CatalogueSystem[]>([]);
  // The engine's camera list, mirrored so that a panel or a shared selection naming a configured camera is resolved
  // again when the backend's catalogue arrives.
  const [cameras, setCameras] = useState<readonly CameraMarker[]>([]);
  const [progress, setProgress] = useState<ChunkProgress>({ loaded: 0, total: 0, components: 0, problems: [] });
  const [hover, setHover] = useState<{ ref: MapObjectRef; x: number; y: number } | null>(null);
  const [idle, setIdle] = useState(false);
  const saveOwnView = useMapWindow(catalogue);
  // The engine outlives renders; it reaches the latest save function through this ref.
  const saveWindow = useRef(saveOwnView);
  useEffect(() => {
    saveWindow.current = saveOwnView;
  }, [saveOwnView]);
  // A change of layers is the operator's (or a scene's, which saves the same thing): keep it with the current view.
  useEffect(() => {
    if (engine) saveWindow.current(engine.camera());
  }, [engine, mapState.layers]);

  useEffect(() => {
    if (hostLink !== 'connected' || load.state === 'ready') return;
    const abort = new AbortController();
    const { bridge } = model.host;
    Promise.all([callHost(bridge, 'city.basemap', {}), callHost(bridge, 'host.info', {}), loadCityRegisters(abort.signal)]).then(
      ([basemap, info, city]) => !abort.signal.aborted && setLoad({ state: 'ready', basemap, basemapSource: info.basemap, city }),
      (error: Error) => !abort.signal.aborted && setLoad({ state: 'failed', message: error.message }),
    );
    return () => abort.abort();
  }, [model, hostLink, load.state]);

  useEffect(() => {
    if (load.state !== 'ready' || !container.current) return;
    const abort = new AbortController();
    const { settings } = model;
    const created = new MapEngine({
      container: container.current,
      basemap: load.basemap,
      basemapSource: load.basemapSource,
      city: load.city,
      theme: settings.get().theme,
      language: settings.get().language,
      layers: model.map.get().layers,
      camera: null,
      onHover: setHover,
      onSelect: (ref) => model.map.update((state) => ({ ...state, selected: ref })),
      onCameraChange: (camera) => {
        // Where the map came to rest, for wall controllers and tests that wait on a flight (no re-render needed).
        if (container.current) container.current.dataset.zoom = camera.zoom.toFixed(2);
        saveWindow.current(camera);
      },
      onIdleChange: setIdle,
    });
    setEngine(created);
    setCatalogue(created.catalogue);
    setCameras(created.cameras);
    const entries = load.city.manifest.components.chunks;
    setProgress({ loaded: 0, total: entries.length, components: 0, problems: [] });
    void loadComponentChunks(
      entries,
      abort.signal,
      (loaded) => {
        created.addChunk(loaded);
        setCatalogue(created.catalogue);
        setProgress((state) => ({ ...state, loaded: state.loaded + 1, components: created.componentCount }));
      },
      (problem) => setProgress((state) => ({ ...state, loaded: state.loaded + 1, problems: [...state.problems, problem.message] })),
    );
    const { bridge } = model.host;
    const fetchSensors = () =>
      callHost(bridge, 'sensors.abnormal', {}).then(
        (readings) => created.applySensorReadings(readings),
        // Without a backend the sensors show as not reporting; the status bar already says the backend is down.
        () => undefined,
      );
    void fetchSensors();
    // The camera layer draws the backend's catalogue (the city's cameras and the cameras file's), read again when the
    // backend reconnects, as the host reads it again then.
    const fetchCameras = () =>
      callHost(bridge, 'cameras.catalogue', {}).then(
        (list) => {
          if (abort.signal.aborted) return;
          created.setCatalogueCameras(list);
          setCameras(created.cameras);
          setCatalogue(created.catalogue);
        },
        // Without a backend the map keeps drawing the city's own cameras; the status bar says the backend is down.
        () => undefined,
      );
    void fetchCameras();
    const unsubscribe = [
      bridge.subscribe('feed.tick', (tick) => {
        created.applyTick(tick);
        // A DOM attribute rather than React state: a tick must not re-render the view, only the map's buffers.
        if (container.current) container.current.dataset.feedSeq = String(tick.seq);
      }),
      bridge.subscribe('backend.status', (status) => {
        if (status.state !== 'connected') return;
        void fetchSensors();
        void fetchCameras();
      }),
    ];
    return () => {
      abort.abort();
      for (const stop of unsubscribe) stop();
      created.dispose();
      setEngine(null);
    };
  }, [load, model]);

  useEffect(() => engine?.setAppearance(theme, language), [engine, theme, language]);
  useEffect(() => engine?.setLayers(mapState.layers), [engine, mapState.layers]);
  useEffect(() => engine?.setIncidents(incidents, focusedId), [engine, incidents, focusedId]);
  useEffect(() => engine?.setSelected(mapState.selected), [engine, mapState.selected]);
  // Selection is shared: what this window picks, every map window shows, and the other way round.
  const sharedSelection = useStore(model.shared, (shared) => shared.selection);
  const city = load.state === 'ready' ? load.city : null;
  const announced = useRef<Selection | null>(null);
  // What this window asked the host to select, until the host's answer comes back: changes made before it (another
  // window's, or this window's previous one) are already overtaken and must not flicker the panel back.
  const awaiting = useRef<{ selection: Selection | null } | null>(null);
  useEffect(() => {
    if (!engine || !city) return;
    const local = mapState.selected ? selectionOf(mapState.selected, { city, chunks: engine.loadedChunks, cameras }) : null;
    if (sameSelection(local, announced.current)) return;
    announced.current = local;
    // A camera picked here is sent to the video wall, by request: the shared selection only marks it on the maps.
    if (local?.kind === 'camera') void model.intents.run('wall.playCamera', { cameraId: local.id });
    if (sameSelection(local, sharedSelection)) return;
    const request = { selection: local };
    awaiting.current = request;
    void model.selectOnAllWindows(local).then((accepted) => {
      // Refused (the host is gone): follow the others again rather than wait for an answer that will not come.
      if (!accepted && awaiting.current === request) awaiting.current = null;
    });
  }, [engine, city, cameras, mapState.selected, sharedSelection, model]);
  useEffect(() => {
    if (awaiting.current) {
      if (sameSelection(sharedSelection, awaiting.current.selection)) awaiting.current = null;
      return;
    }
    if (!engine || !city || sameSelection(sharedSelection, announced.current)) return;
    const ref = sharedSelection ? refOfSelection(sharedSelection, { city, chunks: engine.loadedChunks, cameras }) : null;
    // A component in a chunk not loaded yet is resolved when the chunk arrives (progress changes), a configured camera
    // when the catalogue does (cameras change).
    if (sharedSelection && !ref) return;
    announced.current = sharedSelection;
    model.map.update((state) => ({ ...state, selected: ref }));
  }, [engine, city, cameras, sharedSelection, progress.loaded, model]);

  const request = mapState.cameraRequest;
  useEffect(() => {
    if (!engine || !request) return;
    if (request.kind === 'home') engine.home();
    else if (request.kind === 'point') engine.flyTo(request.position, request.zoom);
    else engine.fitBounds(request.bbox);
  }, [engine, request]);

  const hovered = engine && load.state === 'ready' && hover ? describeObject(hover.ref, { city: load.city, chunks: engine.loadedChunks, live: engine.live, incidents, cameras, language, t }) : null;

  return (
    <section className="map-view" aria-label={t('role.map')}>
      <div
        ref={container}
        className="map-canvas"
        data-testid="map"
        data-state={load.state}
        data-idle={idle}
        data-components={progress.components}
        data-chunks-loaded={`${progress.loaded}/${progress.total}`}
      />
      {load.state === 'loading' && <div className="map-message">{t('map.loading')}</div>}
      {load.state === 'failed' && (
        <div className="map-message error" role="alert">
          {t('map.unavailable')}: {load.message}
        </div>
      )}
      {hovered && hover && (
        <div className="map-tooltip" role="tooltip" style={{ left: hover.x + 14, top: hover.y + 14 }}>
          <strong>{hovered.title}</strong>
          {hovered.facts.slice(0, 3).map(([label, value]) => (
            <div key={label}>
              <span className="muted">{label}</span> {value}
            </div>
          ))}
        </div>
      )}
      {load.state === 'ready' && engine && (
        <>
          <div className="map-toolbar">
            <MapSearch engine={engine} city={load.city} basemap={load.basemap} />
            <div className="map-toolbar-buttons">
              <button type="button" aria-pressed={mapState.panel === 'catalogue'} onClick={() => model.toggleMapPanel('catalogue')}>
                {t('map.catalogue')} <kbd>Alt+C</kbd>
              </button>
              <button type="button" onClick={() => model.requestMapCamera({ kind: 'home' })}>
                {t('map.home')} <kbd>Alt+H</kbd>
              </button>
            </div>
          </div>
          <div className="map-status" data-testid="map-status">
            {progress.loaded < progress.total
              ? t('map.componentsLoading', { loaded: progress.loaded, total: progress.total })
              : t('map.componentsLoaded', { count: progress.components })}
            {progress.problems.length > 0 && (
              <span className="error" role="alert" title={progress.problems.join('\n')}>
                {' · '}
                {t('map.chunkProblems', { count: progress.problems.length })}
              </span>
            )}
          </div>
          <RiskLegend city={load.city} />
        </>
      )}
      <div className="map-side">
        {mapState.panel === 'catalogue' && engine && <SavedViews engine={engine} />}
        {mapState.panel === 'catalogue' && catalogue.length > 0 && <LayerCatalogue systems={catalogue} />}
        {mapState.panel === 'incidents' && <IncidentPicker />}
      </div>
      {engine && load.state === 'ready' && mapState.selected && (
        <div className="map-detail">
          <ObjectDetailPanel engine={engine} city={load.city} selected={mapState.selected} />
        </div>
      )}
    </section>
  );
}
