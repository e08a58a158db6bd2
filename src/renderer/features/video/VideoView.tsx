import { useEffect, useMemo, useState } from 'react';
import { z } from 'zod';
import type { GroupCamera, NearbyCamera } from '../../../shared/domain/shared-state.js';
import { VideoLayoutSizeSchema, videoLayoutSizes, type CameraGroup, type VideoLayoutSize } from '../../../shared/wall/scenes.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model.js';
import { useStore } from '../../state/store.js';
import { useFocusedIncident } from '../focus/use-focused-incident.js';
import { useActiveScene } from '../wall/use-active-scene.js';
import { useWindowState } from '../wall/use-window-state.js';
import { videoShows } from '../wall/video-source.js';
import { choiceNow } from '../wall/window-state-codec.js';
import { SfuClient } from './sfu-client.js';
import { VideoTile } from './VideoTile.js';
import { reservedTiles, wallSlots, type Tile } from './wall-slots.js';
import { beijingTime } from '../../ui/time-format.js';

const NEAR_RADIUS_M = 3000;
/** An alarm pops up the cameras that can see it: those this close. */
const ALARM_RADIUS_M = 1000;
const DEFAULT_LAYOUT: VideoLayoutSize = 9;

/** The layout this video window was set to, and under which scene (a later scene's layout replaces it). */
const VideoWindowStateSchema = z.object({ choice: VideoLayoutSizeSchema, underScene: z.string().nullable() }).strict();
type VideoWindowState = z.infer<typeof VideoWindowStateSchema>;
const NO_CHOICE: VideoWindowState | null = null;
const VideoWindowStateOrNone = VideoWindowStateSchema.nullable();


/**
 * The video wall: a 1/4/9/16 layout (from the scene, or as set on this window) filled with the scene's camera group or
 * the cameras nearest the focused incident, each tile playing its camera's live sub-stream (HLS).
 */
export function VideoView() {
  const t = useTranslation();
  const model = useAppModel();
  const shared = useStore(model.shared, (state) => state);
  const scene = useActiveScene();
  const incident = useFocusedIncident();
  const own = useWindowState('video', VideoWindowStateOrNone, NO_CHOICE);
  const layout = choiceNow(scene?.scene.video.layoutSize ?? DEFAULT_LAYOUT, scene?.appliedAt ?? null, own.value);
  const shows = videoShows(shared);
  const focused = shows.kind === 'focus' ? incident : null;
  const group = shows.kind === 'group' ? shows.group : null;
  const sourceKey = focused || group ? tilesKey(focused, group, layout) : null;
  const [tiles, setTiles] = useState<{ key: string; list: Tile[] } | null>(null);
  const sfu = useMemo(() => new SfuClient(model.host.bridge), [model]);
  const alarm = shared.alarms[0] ?? null;
  const reserved = reservedTiles(layout);
  const [alarmCameras, setAlarmCameras] = useState<{ key: string; list: Tile[] } | null>(null);
  const alarmId = alarm?.incidentId ?? null;
  const [alarmLng, alarmLat] = alarm?.position ?? [0, 0];
  const alarmKey = alarmId === null ? null : `${alarmId}|${reserved}`;

  useEffect(() => {
    if (alarmId === null) return;
    const key = `${alarmId}|${reserved}`;
    let cancelled = false;
    callHost(model.host.bridge, 'cameras.near', { position: [alarmLng, alarmLat], count: reserved, radiusM: ALARM_RADIUS_M }).then(
      (list) => !cancelled && setAlarmCameras({ key, list: list.map(nearTile) }),
      () => !cancelled && setAlarmCameras({ key, list: [] }),
    );
    return () => {
      cancelled = true;
    };
  }, [model, alarmId, alarmLng, alarmLat, reserved]);

  useEffect(() => {
    if (!focused && !group) return;
    const key = tilesKey(focused, group, layout);
    let cancelled = false;
    const fetched: Promise<Tile[]> = focused
      ? callHost(model.host.bridge, 'cameras.near', { position: focused.position, count: layout, radiusM: NEAR_RADIUS_M }).then((list) => list.map(nearTile))
      : group
        ? callHost(model.host.bridge, 'cameras.group', { group, count: layout }).then((list) => list.map(groupTile))
        : Promise.resolve([]);
    fetched.then(
      (list) => !cancelled && setTiles({ key, list }),
      () => !cancelled && setTiles({ key, list: [] }),
    );
    return () => {
      cancelled = true;
    };
  }, [model, focused, group, layout]);

  // A new layout of the same cameras keeps the tiles it shares with the old one playing while the list is fetched.
  const shown = tiles === null ? null : tiles.key === sourceKey ? tiles.list : sameSource(tiles.key, sourceKey) ? tiles.list.slice(0, layout) : null;
  const popped = alarm && alarmCameras?.key === alarmKey ? { incidentId: alarm.incidentId, cameras: alarmCameras.list } : null;
  const slots = shown ? wallSlots(shown, layout, popped) : null;
  const title = focused ? `${t('video.near')}: ${focused.title}` : group ? t('video.group') : t('video.noFocus');

  return (
    <section className="video-view" aria-label={t('role.video')}>
      <header className="video-header">
        <h2>{title}</h2>
        <div className="video-layouts" role="group" aria-label={t('video.layout')}>
          {videoLayoutSizes.map((size) => (
            <button
              type="button"
              key={size}
              data-testid={`video-layout-${size}`}
              aria-pressed={size === layout}
              onClick={() => own.save({ choice: size, underScene: scene?.appliedAt ?? null })}
            >
              {size === 1 ? '1' : `${Math.sqrt(size)}×${Math.sqrt(size)}`}
            </button>
          ))}
        </div>
        {own.error && (
          <span className="manual-note" role="alert">
            {t('window.saveFailed')}: {own.error}
          </span>
        )}
      </header>
      {alarm && (
        <div className={`video-alarm severity-${alarm.severity}`} role="alert" data-testid="alarm-banner" data-incident={alarm.incidentId}>
          <strong>{alarm.drill ? t('video.alarmDrill') : t('video.alarm')}</strong>
          <span>{alarm.title}</span>
          <span className="muted">{beijingTime(alarm.raisedAt)}</span>
          {popped && popped.cameras.length === 0 && <span className="muted">{t('video.alarmNoCamera')}</span>}
          {shared.alarms.length > 1 && <span className="muted">{t('video.alarmsWaiting').replace('{n}', String(shared.alarms.length - 1))}</span>}
          <button type="button" data-testid="alarm-acknowledge" onClick={() => void callHost(model.host.bridge, 'alarms.acknowledge', { incidentId: alarm.incidentId })}>
            {t('video.alarmHandled')}
          </button>
        </div>
      )}
      {shown && slots && (
        <ol
          className="video-grid"
          data-testid="video-grid"
          data-layout={layout}
          data-incident={focused?.id}
          data-source={focused ? 'focus' : 'group'}
          style={{ gridTemplateColumns: `repeat(${Math.sqrt(layout)}, minmax(0, 1fr))` }}
        >
          {slots.map((slot, index) =>
            slot.kind === 'free' ? (
              <li key={`free-${index}`} className="video-tile free muted" data-free-tile>
                {index === 0 ? (group ? t('video.groupEmpty') : t('video.noneNear')) : t('video.freeTile')}
              </li>
            ) : (
              <li
                key={`${slot.kind}-${slot.tile.id}`}
                className={`video-tile${slot.kind === 'alarm' ? ' alarm' : ''}`}
                data-camera={slot.tile.id}
                data-alarm={slot.kind === 'alarm' ? slot.incidentId : undefined}
              >
                <VideoTile cameraId={slot.tile.id} name={slot.tile.name} detail={slot.tile.detail} sfu={sfu} />
              </li>
            ),
          )}
        </ol>
      )}
    </section>
  );
}

/** Names what a list of tiles was fetched for, so a late answer for an earlier source is never shown. */
function tilesKey(focused: { id: string } | null, group: CameraGroup | null, layout: number): string {
  return `${focused ? `focus:${focused.id}` : `group:${JSON.stringify(group)}`}|${layout}`;
}

function sameSource(key: string, other: string | null): boolean {
  return other !== null && key.slice(0, key.lastIndexOf('|')) === other.slice(0, other.lastIndexOf('|'));
}

function nearTile(camera: NearbyCamera): Tile {
  return { id: camera.id, name: camera.name, detail: `${camera.code} · ${camera.distanceM} m${camera.ptz ? ' · PTZ' : ''}` };
}

function groupTile(camera: GroupCamera): Tile {
  return { id: camera.id, name: camera.name, detail: `${camera.code} · ${camera.siteName}${camera.ptz ? ' · PTZ' : ''}` };
}
