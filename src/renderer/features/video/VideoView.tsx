import { useEffect, useState } from 'react';
import type { NearbyCamera } from '../../../shared/domain/shared-state.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model.js';
import { useFocusedIncident } from '../focus/use-focused-incident.js';

const WALL_TILES = 9;
const NEAR_RADIUS_M = 3000;

/**
 * The video wall's layout for the focused incident: the nearest catalogue cameras on a 3×3 wall. Playing the streams
 * (HLS / WebRTC) is the video feature's work and not built yet; each tile says so instead of pretending to play.
 */
export function VideoView() {
  const t = useTranslation();
  const model = useAppModel();
  const incident = useFocusedIncident();
  const [cameras, setCameras] = useState<{ incidentId: string; list: NearbyCamera[] } | null>(null);

  useEffect(() => {
    if (!incident) return;
    let cancelled = false;
    callHost(model.host.bridge, 'cameras.near', { position: incident.position, count: WALL_TILES, radiusM: NEAR_RADIUS_M }).then(
      (list) => !cancelled && setCameras({ incidentId: incident.id, list }),
      () => !cancelled && setCameras({ incidentId: incident.id, list: [] }),
    );
    return () => {
      cancelled = true;
    };
  }, [model, incident]);

  const shown = incident && cameras?.incidentId === incident.id ? cameras.list : null;
  return (
    <section className="video-view" aria-label={t('role.video')}>
      <header className="video-header">
        <h2>{incident ? `${t('video.near')}: ${incident.title}` : t('video.noFocus')}</h2>
        <span className="manual-note">{t('video.notPlaying')}</span>
      </header>
      {shown && (
        <ol className="video-grid" data-testid="video-grid" data-incident={incident?.id}>
          {shown.map((camera) => (
            <li key={camera.id} className="video-tile" data-camera={camera.id}>
              <span className="video-tile-name">{camera.name}</span>
              <span className="muted">
                {camera.code} · {camera.distanceM} m{camera.ptz ? ' · PTZ' : ''}
              </span>
            </li>
          ))}
          {shown.length === 0 && <li className="video-tile muted">{t('video.noneNear')}</li>}
        </ol>
      )}
    </section>
  );
}
