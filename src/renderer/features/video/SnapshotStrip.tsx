import { useEffect, useState } from 'react';
import type { Snapshot } from '../../../shared/media/snapshots.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { beijingDateTime, beijingTime } from '../../ui/time-format.js';
import './video.css';

/** Stills an incident's strip shows (newest first); older ones stay in the console's database. */
const SHOWN = 12;

/**
 * The stills taken of an incident, under the wall (once there is one): newest first, each opened full size with its camera, time and who
 * took it. Follows stills taken on any window of this console.
 */
export function SnapshotStrip({ incidentId }: { incidentId: string }) {
  const t = useTranslation();
  const model = useAppModel();
  const [stills, setStills] = useState<{ incidentId: string; list: Snapshot[] } | null>(null);
  const [open, setOpen] = useState<Snapshot | null>(null);

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      callHost(model.host.bridge, 'snapshots.list', { incidentId, limit: SHOWN }).then(
        (list) => !cancelled && setStills({ incidentId, list }),
        () => undefined,
      );
    void load();
    const unsubscribe = model.host.bridge.subscribe('snapshots.saved', (saved) => saved.incidentId === incidentId && void load());
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [model, incidentId]);

  const list = stills?.incidentId === incidentId ? stills.list : [];
  // The wall's room goes to the tiles until there is a still to show.
  if (list.length === 0) return null;
  return (
    <section className="video-stills" data-testid="video-stills" aria-label={t('video.stills')}>
      <h3>
        {t('video.stills')} ({list.length})
      </h3>
      <ol>
        {list.map((still) => (
          <li key={still.id} data-snapshot={still.id}>
            <button type="button" onClick={() => setOpen(still)} title={`${still.cameraName} ${beijingDateTime(still.capturedAt)}`}>
              <StillImage id={still.id} alt={still.cameraName} />
              <span className="muted">
                {beijingTime(still.capturedAt)} · {still.cameraName}
              </span>
            </button>
          </li>
        ))}
      </ol>
      {open && (
        <div className="video-still-viewer" role="dialog" aria-label={open.cameraName} data-testid="video-still-viewer" onClick={() => setOpen(null)}>
          <StillImage id={open.id} alt={open.cameraName} />
          <p>
            {beijingDateTime(open.capturedAt)} · {open.cameraCode} · {open.cameraName} · {open.operator}
          </p>
        </div>
      )}
    </section>
  );
}

/** A still's JPEG, fetched through the host and shown from an object URL that is released with the image. */
function StillImage({ id, alt }: { id: string; alt: string }) {
  const model = useAppModel();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let objectUrl: string | null = null;
    let cancelled = false;
    callHost(model.host.bridge, 'snapshots.image', { id }).then(
      ({ jpegBase64 }) => {
        if (cancelled) return;
        const bytes = Uint8Array.from(atob(jpegBase64), (char) => char.charCodeAt(0));
        objectUrl = URL.createObjectURL(new Blob([bytes], { type: 'image/jpeg' }));
        setUrl(objectUrl);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
      if (objectUrl !== null) URL.revokeObjectURL(objectUrl);
    };
  }, [model, id]);
  return url === null ? <span className="video-still-placeholder" /> : <img src={url} alt={alt} />;
}
