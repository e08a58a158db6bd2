import { useEffect, useMemo, useState } from 'react';
import type { Sensor } from '../../../shared/city/index.js';
import type { Incident, SensorHistory } from '../../../shared/domain/feed.js';
import { partyOfCrew } from '../../../shared/dispatch/call-request.js';
import { nearestCrews } from '../../../shared/dispatch/nearest-crews.js';
import type { LngLat } from '../../../shared/domain/geo.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import { IncidentPlanLaunchers } from '../focus/index.js';
import { beijingTime } from '../../ui/time-format.js';
import type { CityRegisters } from './city-data.js';
import type { MapObjectRef } from './deck-layers.js';
import type { MapEngine } from './map-engine.js';
import { describeObject } from './map-objects.js';
import { SnapshotStrip } from '../video/index.js';
import { useProvidedAction } from '../intent/index.js';

const SENSOR_REFRESH_MS = 5000;
/** The detail panel lists this many crews to send. */
const NEAREST_CREWS_SHOWN = 3;

/** What the operator clicked: its facts, and what can be done with it from here. */
export function ObjectDetailPanel({ engine, city, selected }: { engine: MapEngine; city: CityRegisters; selected: MapObjectRef }) {
  const t = useTranslation();
  const model = useAppModel();
  const language = useStore(model.settings, (settings) => settings.language);
  const incidents = useStore(model.incidents, (list) => list);
  const focusedId = useStore(model.shared, (shared) => shared.focusedIncidentId);
  // Vehicles, crews and sensors change with every tick; re-read them while the panel is open.
  const [, setTick] = useState(0);
  useEffect(() => model.host.bridge.subscribe('feed.tick', () => setTick((n) => n + 1)), [model]);
  useProvidedAction('map.closeDetail', () => model.map.update((state) => ({ ...state, selected: null })));

  const description = describeObject(selected, { city, chunks: engine.loadedChunks, live: engine.live, incidents, cameras: engine.cameras, language, t });
  const position = engine.positionOf(selected);
  const incident = selected.kind === 'incident' ? incidents.find((candidate) => candidate.id === selected.id) : undefined;

  return (
    <div className="panel object-detail" data-testid="object-detail" data-kind={selected.kind} role="region" aria-label={t('map.detail')}>
      <header>
        <h3>{description?.title ?? t('map.detailGone')}</h3>
        <button type="button" aria-label={t('map.detailClose')} onClick={() => model.map.update((state) => ({ ...state, selected: null }))}>
          ×
        </button>
      </header>
      {description && (
        <dl>
          {description.facts.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd data-fact={label}>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      {selected.kind === 'sensor' && city.sensors.sensors[selected.index] && <SensorChart sensor={city.sensors.sensors[selected.index] as Sensor} />}
      <div className="detail-actions">
        {position && (
          <button type="button" onClick={() => model.requestMapCamera({ kind: 'point', position, zoom: Math.max(15, selected.kind === 'component' ? 18 : 15) })}>
            {t('map.flyTo')}
          </button>
        )}
        {incident && (
          <button type="button" aria-pressed={incident.id === focusedId} onClick={() => void model.intents.run('incident.focus', { incidentId: incident.id === focusedId ? null : incident.id })}>
            {t(incident.id === focusedId ? 'map.unfocus' : 'map.focusAll')}
          </button>
        )}
      </div>
      {selected.kind === 'crew' && city.crews.crews[selected.index] && <CrewCallButtons crew={city.crews.crews[selected.index] as CrewOnMap} />}
      {incident && <IncidentPlanLaunchers incident={incident} testIdPrefix="map-launch" />}
      {incident && <NearestCrews city={city} engine={engine} incident={incident} />}
      {incident && <SnapshotStrip incidentId={incident.id} />}
    </div>
  );
}

type CrewOnMap = { id: string; name: string; sipExtension: string };

/** A crew picked on the map, called with one click (voice or video, its camera shown in the call). */
function CrewCallButtons({ crew }: { crew: CrewOnMap }) {
  const t = useTranslation();
  const model = useAppModel();
  const focusedId = useStore(model.shared, (shared) => shared.focusedIncidentId);
  const focused = useStore(model.incidents, (list) => list.find((incident) => incident.id === focusedId));
  // The call is about the incident in focus, if any (a drill incident makes it a drill call); a problem is a notice.
  const callCrew = (media: 'audio' | 'video') =>
    void model.intents.run('crew.call', { parties: [partyOfCrew(crew)], media, priority: 'urgent', incidentId: focused?.id ?? null, runId: null, drill: (focused?.drillId ?? null) !== null });
  return (
    <div className="detail-actions" data-testid="crew-call">
      <button type="button" onClick={() => callCrew('audio')}>
        {t('call.voice')}
      </button>
      <button type="button" onClick={() => callCrew('video')}>
        {t('call.video')}
      </button>
    </div>
  );
}

/** The on-duty crews nearest to an incident, by their live positions: who a dispatcher would send, one click to call. */
function NearestCrews({ city, engine, incident }: { city: CityRegisters; engine: MapEngine; incident: Incident }) {
  const t = useTranslation();
  const model = useAppModel();
  const position = incident.position;
  const callCrew = (crew: { id: string; name: string; sipExtension: string }) =>
    void model.intents.run('crew.call', { parties: [partyOfCrew(crew)], media: 'audio', priority: 'urgent', incidentId: incident.id, runId: null, drill: incident.drillId !== null });
  const origin = engine.live.origin;
  const positions = engine.live.crews.positions;
  const nearest = useMemo(() => {
    const candidates = city.crews.crews.map((crew, index) => {
      const lng = positions[index * 2];
      const lat = positions[index * 2 + 1];
      const at: LngLat = lng === undefined || lat === undefined || Number.isNaN(lng) ? crew.base : [origin[0] + lng, origin[1] + lat];
      // The map knows a crew's duty from the register, not whether it is busy: the one rule decides the rest.
      return { ...crew, status: crew.onDuty ? ('available' as const) : ('off-duty' as const), position: at };
    });
    return nearestCrews(candidates, { from: position, count: NEAREST_CREWS_SHOWN }).chosen.map(({ crew, distanceMetres }) => ({ crew, distance: distanceMetres }));
  }, [city, positions, origin, position]);
  return (
    <div className="nearest-crews" data-testid="nearest-crews">
      <h4>{t('map.nearestCrews')}</h4>
      <ol>
        {nearest.map(({ crew, distance }) => (
          <li key={crew.id} data-crew={crew.id}>
            {crew.name} <span className="muted">· {(distance / 1000).toFixed(1)} km · {t('map.fact.extension')} {crew.sipExtension}</span>
            <button type="button" data-testid="call-crew" onClick={() => callCrew(crew)}>
              {t('call.voice')}
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The sensor's last readings from the backend, with its warning and alarm thresholds, refreshed while open. */
function SensorChart({ sensor }: { sensor: Sensor }) {
  const t = useTranslation();
  const model = useAppModel();
  const [history, setHistory] = useState<SensorHistory | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    const load = () =>
      callHost(model.host.bridge, 'sensors.history', { sensorId: sensor.id }).then(
        (next) => {
          if (cancelled) return;
          setHistory(next);
          setError(null);
        },
        (failure: Error) => !cancelled && setError(failure.message),
      );
    void load();
    const timer = setInterval(load, SENSOR_REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [model, sensor.id]);

  if (error) return <p className="error">{error}</p>;
  if (!history) return <p className="muted">{t('map.loadingReadings')}</p>;
  const values = history.samples.map((sample) => (sensor.compare === 'absolute' ? Math.abs(sample.value) : sample.value));
  if (values.length < 2) return <p className="muted">{t('map.fewReadings')}</p>;
  const width = 280;
  const height = 90;
  const low = Math.min(...values, sensor.normalRange[0]);
  const high = Math.max(...values, sensor.alarm * 1.05);
  const y = (value: number) => height - ((value - low) / (high - low || 1)) * height;
  const x = (index: number) => (index / (values.length - 1)) * width;
  const points = values.map((value, index) => `${x(index).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
  const first = history.samples[0]?.at ?? '';
  const last = history.samples.at(-1)?.at ?? '';
  return (
    <figure className="sensor-chart" data-testid="sensor-chart" data-samples={values.length}>
      <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={`${sensor.name} ${t('map.readings')}`}>
        <line className="threshold warning" x1={0} x2={width} y1={y(sensor.warning)} y2={y(sensor.warning)} />
        <line className="threshold alarm" x1={0} x2={width} y1={y(sensor.alarm)} y2={y(sensor.alarm)} />
        <polyline className="reading" points={points} />
      </svg>
      <figcaption className="muted">
        {t('map.readings')} ({sensor.unit}) · {beijingTime(first)}–
        {beijingTime(last)}
      </figcaption>
    </figure>
  );
}
