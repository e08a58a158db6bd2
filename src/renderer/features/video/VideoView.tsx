import { useEffect, useMemo, useState, type DragEvent } from 'react';
import { videoLayoutSizes, type VideoLayoutSize } from '../../../shared/wall/scenes.js';
import { MIN_DWELL_SECONDS } from '../../../shared/wall/tour.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import { beijingTime } from '../../ui/time-format.js';
import { useFocusedIncident } from '../focus/index.js';
import { useProvidedAction } from '../intent/index.js';
import { useActiveScene } from '../wall/index.js';
import { useWindowState } from '../wall/index.js';
import { videoShows } from '../wall/index.js';
import { choiceNow } from '../wall/index.js';
import { SfuClient } from './sfu-client.js';
import { useAlarmCameras, useWallCameras } from './use-wall-cameras.js';
import { SnapshotStrip } from './SnapshotStrip.js';
import { VideoTile } from './VideoTile.js';
import { TOUR_MAX_PAGES, reservedTiles, tourPage, wallSlots, withPlaced, type Tile, type WallSlot } from './wall-slots.js';
import { CAMERA_DRAG_TYPE, CameraList, droppedCamera } from './CameraList.js';
import { VideoWindowStateSchema, msToNextTourPage, placementWall, placementsOn, tourPageAt, withPlacement, withVideoChange, type VideoTour } from './video-window-state.js';
import './video.css';

const DEFAULT_LAYOUT: VideoLayoutSize = 9;
/** Dwell times a tour offers; the shortest is the tour's minimum (a screen must be readable before it goes). */
const TOUR_DWELLS_S = [MIN_DWELL_SECONDS, 5, 10, 30] as const;

const VideoWindowStateOrNone = VideoWindowStateSchema.nullable();

/**
 * The video wall: a 1/4/9/16 layout (from the scene, or as set on this window) filled with the scene's camera group or
 * the cameras nearest the focused incident, each tile playing its camera's live sub-stream. A tile opened on its own
 * (double-click, or a camera chosen on a map) plays the main stream; a tour pages through the cameras; an alarm's
 * cameras take the last row until it is handled.
 */
export function VideoView() {
  const t = useTranslation();
  const model = useAppModel();
  const shared = useStore(model.shared, (state) => state);
  const scene = useActiveScene();
  const incident = useFocusedIncident();
  const own = useWindowState('video', VideoWindowStateOrNone, null);
  const layout = choiceNow(scene?.scene.video.layoutSize ?? DEFAULT_LAYOUT, scene?.appliedAt ?? null, own.value);
  // Every change the operator makes here is saved with the window, so a reload shows the same wall.
  const saveChange = (change: Parameters<typeof withVideoChange>[2]) => own.save(withVideoChange(own.value, { layout, scene: scene?.appliedAt ?? null }, change));
  const shows = videoShows(shared);
  const focused = shows.kind === 'focus' ? incident : null;
  const group = shows.kind === 'group' ? shows.group : null;
  const sfu = useMemo(() => new SfuClient(model.host.bridge), [model]);
  const savedTour = own.value?.tour ?? null;
  const tourDwellS = savedTour?.dwellS ?? null;
  const page = useTourPage(savedTour);
  const runTour = (dwellS: number | null) => saveChange({ tour: dwellS === null ? null : { dwellS, startedAt: new Date().toISOString() } });
  const cameras = useWallCameras(model, focused, group, tourDwellS === null ? layout : layout * TOUR_MAX_PAGES);
  const tour = cameras === null ? null : tourPage(cameras, layout, tourDwellS === null ? 0 : page);
  const alarm = shared.alarms[0] ?? null;
  const popped = useAlarmCameras(model, alarm, reservedTiles(layout));
  // Cameras dragged onto tiles hold their place (across reloads too) until the wall's source, layout or tour page changes.
  const wall = placementWall(focused?.id ?? JSON.stringify(group), layout, tour?.page ?? 0);
  const placements = placementsOn(own.value?.placed, wall);
  const place = (index: number, tile: Tile) => saveChange({ placed: withPlacement(own.value?.placed, wall, index, tile) });
  const [listShown, setListShown] = useState(false);
  const slots = tour === null ? null : wallSlots(withPlaced(tour.cameras, layout, placements), layout, popped);
  const single = useSingleTile(model);
  const title = focused ? `${t('video.near')}: ${focused.title}` : group ? t('video.group') : t('video.noFocus');

  return (
    <section className="video-view" aria-label={t('role.video')}>
      <header className="video-header">
        <h2>{title}</h2>
        <div className="panel-tabs" role="group" aria-label={t('video.layout')}>
          {videoLayoutSizes.map((size) => (
            <button
              type="button"
              key={size}
              data-testid={`video-layout-${size}`}
              aria-pressed={size === layout}
              onClick={() => saveChange({ choice: size })}
            >
              {size === 1 ? '1' : `${Math.sqrt(size)}×${Math.sqrt(size)}`}
            </button>
          ))}
        </div>
        <label className="video-tour">
          {t('video.tour')}
          <select data-testid="video-tour" value={tourDwellS ?? ''} onChange={(event) => runTour(event.target.value === '' ? null : Number(event.target.value))}>
            <option value="">{t('video.tourOff')}</option>
            {TOUR_DWELLS_S.map((dwell) => (
              <option key={dwell} value={dwell}>
                {dwell} s
              </option>
            ))}
          </select>
        </label>
        {tourDwellS !== null && tour && (
          <span className="muted" data-testid="video-tour-page" data-page={tour.page}>
            {tour.page + 1}/{tour.pages}
          </span>
        )}
        <button type="button" data-testid="camera-list-toggle" aria-pressed={listShown} onClick={() => setListShown(!listShown)}>
          {t('video.cameraList')}
        </button>
        {single.tile && (
          <button type="button" data-testid="video-back" onClick={() => single.close()}>
            {t('video.backToGrid')}
          </button>
        )}
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
          {shared.alarms.length > 1 && <span className="muted">{t('video.alarmsWaiting', { count: shared.alarms.length - 1 })}</span>}
          <button type="button" data-testid="alarm-acknowledge" title="Alt+A" onClick={() => void model.intents.run('alarm.acknowledge')}>
            {t('video.alarmHandled')}
          </button>
        </div>
      )}
      <div className="video-body">
      {single.tile ? (
        <ol className="video-grid single" data-testid="video-grid" data-layout={1} data-single={single.tile.id}>
          <li className="video-tile" data-camera={single.tile.id}>
            <VideoTile cameraId={single.tile.id} name={single.tile.name} detail={single.tile.detail} sfu={sfu} quality="main" />
          </li>
        </ol>
      ) : (
        slots && (
          <ol
            className="video-grid"
            data-testid="video-grid"
            data-layout={layout}
            data-incident={focused?.id}
            data-source={focused ? 'focus' : 'group'}
            style={{ gridTemplateColumns: `repeat(${Math.sqrt(layout)}, minmax(0, 1fr))` }}
          >
            {slots.map((slot, index) => (
              <WallTile
                key={slot.kind === 'free' ? `free-${index}` : `${slot.kind}-${slot.tile.id}`}
                slot={slot}
                sfu={sfu}
                onOpen={single.open}
                onPlace={(tile) => place(index, tile)}
              >
                {index === 0 ? (group ? t('video.groupEmpty') : t('video.noneNear')) : t('video.freeTile')}
              </WallTile>
            ))}
          </ol>
        )
      )}
      {listShown && <CameraList />}
      </div>
      {incident && <SnapshotStrip incidentId={incident.id} />}
    </section>
  );
}

function WallTile({ slot, sfu, onOpen, onPlace, children }: { slot: WallSlot; sfu: SfuClient; onOpen: (tile: Tile) => void; onPlace: (tile: Tile) => void; children: string }) {
  // A camera dragged from the list may land on any tile but an alarm's (those belong to the alarm until it is handled).
  const drop =
    slot.kind === 'alarm'
      ? {}
      : {
          onDragOver: (event: DragEvent) => event.dataTransfer.types.includes(CAMERA_DRAG_TYPE) && event.preventDefault(),
          onDrop: (event: DragEvent) => {
            const tile = droppedCamera(event);
            if (tile === null) return;
            event.preventDefault();
            onPlace(tile);
          },
        };
  if (slot.kind === 'free') {
    return (
      <li className="video-tile free muted" data-free-tile {...drop}>
        {children}
      </li>
    );
  }
  return (
    <li
      className={`video-tile${slot.kind === 'alarm' ? ' alarm' : ''}`}
      data-camera={slot.tile.id}
      data-alarm={slot.kind === 'alarm' ? slot.incidentId : undefined}
      onDoubleClick={() => onOpen(slot.tile)}
      {...drop}
    >
      <VideoTile
        cameraId={slot.tile.id}
        name={slot.tile.name}
        detail={slot.tile.detail}
        sfu={sfu}
        quality="sub"
        incidentId={slot.kind === 'alarm' ? slot.incidentId : null}
      />
    </li>
  );
}

/**
 * The page a tour shows now (0 without a tour), counting up every dwell from its start: the page is read off the clock
 * rather than counted, so a tour restored after a reload is on the page it would have reached.
 */
function useTourPage(tour: VideoTour | null): number {
  const [now, setNow] = useState(() => Date.now());
  const dwellS = tour?.dwellS ?? null;
  const startedAt = tour?.startedAt ?? null;
  useEffect(() => {
    if (dwellS === null || startedAt === null) return;
    let timer: ReturnType<typeof setTimeout>;
    // The clock is read at once (a restored tour may be pages on), then at each page's turn.
    const turnIn = (waitMs: number) => {
      timer = setTimeout(() => {
        const at = Date.now();
        setNow(at);
        turnIn(msToNextTourPage({ dwellS, startedAt }, at));
      }, waitMs);
    };
    turnIn(0);
    return () => clearTimeout(timer);
  }, [dwellS, startedAt]);
  return tour === null ? 0 : tourPageAt(tour, now);
}

/**
 * One camera on the whole wall, playing its main stream: a tile double-clicked here, or a camera another window sends
 * to the wall (a map click) when this window claims the request first. `Esc` or the back button returns to the grid.
 */
function useSingleTile(model: ReturnType<typeof useAppModel>): { tile: Tile | null; open: (tile: Tile) => void; close: () => void } {
  const [tile, setTile] = useState<Tile | null>(null);
  useEffect(() => {
    let listening = true;
    const stop = model.host.bridge.subscribe('wallPlay.requested', ({ requestId, cameraId }) => {
      claimedCamera(model, requestId, cameraId).then(
        (claimed) => listening && claimed && setTile(claimed),
        (error: unknown) => listening && model.report((error as Error).message),
      );
    });
    return () => {
      listening = false;
      stop();
    };
  }, [model]);
  useProvidedAction('video.backToGrid', () => setTile(null), tile !== null);
  return { tile, open: setTile, close: () => setTile(null) };
}

/** The camera a play request asks for, when this window won the claim (another video window may play it instead). */
async function claimedCamera(model: ReturnType<typeof useAppModel>, requestId: string, cameraId: string): Promise<Tile | null> {
  if (!(await callHost(model.host.bridge, 'wallPlay.claim', { requestId }))) return null;
  const camera = await callHost(model.host.bridge, 'cameras.streams', { cameraId });
  return { id: camera.cameraId, name: camera.name, detail: `${camera.code}${camera.ptz ? ' · PTZ' : ''}` };
}
